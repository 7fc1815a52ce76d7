"""Route guards by role. Administrators pass every role check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.accounts.models import Role


def role_required(*roles: Role | str) -> Callable:
    """Signed-in users holding one of ``roles`` (or admins); others get 403, visitors sign in."""
    wanted = {str(role) for role in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not (current_user.is_admin or wanted & current_user.roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(Role.ADMIN)
trainer_required = role_required(Role.TRAINER)
