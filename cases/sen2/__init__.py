"""The DfE SEN2 person-level return: its scope, records, validation report and XML export."""
