"""The outbox sender's own tables (one row per call to LINE, with its retry key; the rows claimed
into it) are defined with the outbox in rewards/models.py: a recipient's sent state is read from its
batch (rewards/outbox_state.py)."""
from rewards.models import OutboxBatch, OutboxClaim  # noqa: F401
