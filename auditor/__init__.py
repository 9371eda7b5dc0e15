"""auditor: compliance checklist auditor for privacy policies, with cited evidence."""

__version__ = "0.1.0"
TOOL_NAME = "auditor"
