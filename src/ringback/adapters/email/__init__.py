"""Email: building messages (message.py), sending (smtp.py), reading replies (imap.py)."""
