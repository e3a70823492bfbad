"""In-app notifications (the bell in the header), optionally mirrored by e-mail."""
