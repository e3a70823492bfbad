"""Imports every model module so that ``metadata`` holds the whole schema (for Alembic
and for tests that compare migrations with the models)."""

from access_control import models as _access_control  # noqa: F401
from access_control.audit import models as _audit  # noqa: F401
from access_control.signin import models as _signin  # noqa: F401
from access_control.notifications import models as _notifications  # noqa: F401
from access_control.requests import models as _requests  # noqa: F401
from catalog.datasets import models as _datasets  # noqa: F401
from catalog.db import Base
from catalog.groups import models as _groups  # noqa: F401
from catalog.organizations import models as _organizations  # noqa: F401
from catalog.publishing import models as _publishing  # noqa: F401
from catalog.search import models as _search  # noqa: F401
from catalog.showcase import models as _showcase  # noqa: F401
from harvesters import models as _harvesters  # noqa: F401

metadata = Base.metadata
