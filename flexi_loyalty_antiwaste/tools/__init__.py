from . import antiwaste
