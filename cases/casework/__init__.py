"""Casework around the statutory clock: deadline exceptions, disputes, tasks, reassignment and
the timeliness report."""
