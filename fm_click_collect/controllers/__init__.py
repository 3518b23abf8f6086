from . import loyalty, main
