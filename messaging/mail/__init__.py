"""Email: one SMTP adapter (smtp.py), set by SMTP_HOST and its siblings in core/config.py."""
