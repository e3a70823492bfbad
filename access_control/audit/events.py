"""The kinds of audited events."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext


class AuditEvent(StrEnum):
    """What happened. The value is stored; keep values stable once released."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    TOKEN_USED = "token_used"  # first use of an API token in each minute
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    DATASET_READ = "dataset_read"  # a closed dataset's page or metadata was read
    RESOURCE_DOWNLOAD = "resource_download"  # a closed file was downloaded
    DATA_QUERY = "data_query"  # rows of closed data were queried (DataStore, previews)
    DATA_EXPORT = "data_export"  # closed data left the catalog in bulk (exports, dumps)
    ACCESS_LEVEL_CHANGED = "access_level_changed"
    GRANT_CREATED = "grant_created"
    GRANT_DELETED = "grant_deleted"
    ACCESS_REQUESTED = "access_requested"
    ACCESS_REQUEST_APPROVED = "access_request_approved"
    ACCESS_REQUEST_DENIED = "access_request_denied"


# Labels for the audit viewer, translated when shown.
EVENT_LABELS = {
    AuditEvent.SIGN_IN: lazy_gettext("Signed in"),
    AuditEvent.SIGN_IN_FAILED: lazy_gettext("Failed sign-in"),
    AuditEvent.SIGN_OUT: lazy_gettext("Signed out"),
    AuditEvent.TOKEN_USED: lazy_gettext("API token used"),
    AuditEvent.TOKEN_CREATED: lazy_gettext("API token created"),
    AuditEvent.TOKEN_REVOKED: lazy_gettext("API token revoked"),
    AuditEvent.DATASET_READ: lazy_gettext("Closed dataset read"),
    AuditEvent.RESOURCE_DOWNLOAD: lazy_gettext("Closed file downloaded"),
    AuditEvent.DATA_QUERY: lazy_gettext("Closed data queried"),
    AuditEvent.DATA_EXPORT: lazy_gettext("Closed data exported"),
    AuditEvent.ACCESS_LEVEL_CHANGED: lazy_gettext("Access level changed"),
    AuditEvent.GRANT_CREATED: lazy_gettext("Access granted"),
    AuditEvent.GRANT_DELETED: lazy_gettext("Grant removed"),
    AuditEvent.ACCESS_REQUESTED: lazy_gettext("Access requested"),
    AuditEvent.ACCESS_REQUEST_APPROVED: lazy_gettext("Access request approved"),
    AuditEvent.ACCESS_REQUEST_DENIED: lazy_gettext("Access request denied"),
}
