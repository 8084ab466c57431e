"""Every install starts with the default assignment rules and priority weights (editable in the
admin afterwards). Values are copied here, not imported, so this migration never changes."""

from django.db import migrations

RULES = [
    ("area_match", 40, True, "Caseworkers of the case's area. Hard by default: nobody eligible in "
     "the area means the case waits in the area's unassigned queue and the manager is alerted."),
    ("capacity", 30, False, "Spare capacity: open cases against the FTE-weighted target caseload, "
     "+weight for an empty caseload, falling to 0 at capacity. Always a limit: nobody at or over "
     "capacity is chosen; only a manager's override can go beyond it."),
    ("specialism", 15, False, "The caseworker's specialism fits the primary need, the child's "
     "phase (early years, post-16) or looked-after status; half the weight for a secondary need."),
    ("continuity", 30, False, "The caseworker already works with a sibling, or worked with the "
     "child before."),
    ("language", 10, False, "The caseworker speaks the child's home language (other than English)."),
]
INDICATORS = [
    ("deadline", 40, "Within 30 days of the next statutory deadline, rising as it nears; overdue "
     "cases score the full weight plus a point per day overdue (up to double)."),
    ("looked_after", 50, "The child is looked after by the council."),
    ("transition", 40, "The child is in Nursery, Year 6, Year 11, Year 13 or post-18: the year "
     "before a phase transfer or leaving education."),
    ("complexity", 20, "Number of needs plus agencies involved (full weight at five)."),
    ("waiting_on_others", 10, "The case is waiting on input from other teams."),
]


def add_defaults(apps, schema_editor):
    AssignmentRule = apps.get_model("assignment", "AssignmentRule")
    PriorityIndicator = apps.get_model("assignment", "PriorityIndicator")
    for key, weight, hard, description in RULES:
        AssignmentRule.objects.get_or_create(
            key=key, defaults={"weight": weight, "hard": hard, "description": description}
        )
    for key, weight, description in INDICATORS:
        PriorityIndicator.objects.get_or_create(
            key=key, defaults={"weight": weight, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("assignment", "0002_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
