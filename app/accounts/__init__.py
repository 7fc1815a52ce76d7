"""Accounts: users, roles, organisations (country → municipality → library), sign-in."""
