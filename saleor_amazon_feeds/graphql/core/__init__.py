"""What every domain of the plugin's schema shares.

Errors and how clients see them (``errors``, ``enums``), who may do what
(``permissions``, ``fields``, ``object_types``), IDs (``ids``), pagination
(``connection``), the mutation base (``mutations``), the types several
domains return (``types``), checks of raw input (``inputs``) and of a whole
request (``limits``), and the caller (``context``).
"""
