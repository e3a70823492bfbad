"""Read paths of the access-control pages: requests, notifications, grants, audit."""

from __future__ import annotations

from tests.access_control.read_paths import read_path


@read_path("access requests and notifications")
def requests_and_notifications(world, caller):
    texts = [caller.api("access_request_list", scope=scope)[1] for scope in ("mine", "inbox")]
    texts.append(caller.api("notification_list")[1])
    texts += [caller.get(path)[1] for path in ("/user/requests", "/user/notifications",
                                                "/access-requests")]
    return "\n".join(texts)


@read_path("grants and audit log")
def grants_and_audit(world, caller):
    texts = [caller.api("dataset_grant_list", id=s.dataset_name)[1] for s in world.secrets]
    texts += [caller.api("audit_log_list", limit=1000)[1], caller.get("/admin/audit")[1],
              caller.get("/admin/audit.csv")[1]]
    return "\n".join(texts)
