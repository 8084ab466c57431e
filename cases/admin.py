from cases.members.admin import *  # noqa: F403
