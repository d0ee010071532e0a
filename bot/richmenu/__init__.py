"""The rich menus' room: which menu each member sees and its deployment (menus.py), the menu's
picture drawn from its buttons (image.py) and their icons (icons.py)."""
