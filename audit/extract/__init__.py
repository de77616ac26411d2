"""Markup and plain text to role-tagged sections."""
