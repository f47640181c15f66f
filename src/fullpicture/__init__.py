"""Full Picture: a multi-agency safeguarding information-sharing hub."""

__version__ = "0.1.0"
