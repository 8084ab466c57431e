"""Quality and the family's voice (issue 18): plan quality audits, surveys at decision points,
complaints and Ombudsman enquiries on the council's own clock, the contact log, and telling the
family their rights when the council is late."""
