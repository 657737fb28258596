"""GEP-NET Pathway: the Korean consensus flowchart for advanced GEP-NETs, on the desktop."""

__version__ = "0.1.0"
APP_NAME = "GEP-NET Pathway"
