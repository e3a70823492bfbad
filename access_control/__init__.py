"""Who may see and do what: principals, roles, grants, API tokens and the one policy.

Every read path in the catalog asks :mod:`access_control.policy` for the caller's
visibility; no view or action writes its own permission logic.
"""
