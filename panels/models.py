# Panel types, meetings, agenda items and decisions arrive with the panels issue.
