"""The outbox sender's room: the one path by which the bot sends anything on its own (sender.py),
its batches and their retry keys (models.py, batches.py, claims.py), the calls in flight (flight.py)
and the renders of what the domain queued (renders.py)."""
