# Core holds no tables of its own: roles are auth Groups (see core/groups.py).
