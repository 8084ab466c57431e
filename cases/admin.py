# Admin registrations of sub-packages (autodiscover only imports cases.admin).
from cases.plans import admin as plans_admin  # noqa: F401
