"""Credentials: password hashing (argon2) for the accounts service."""
