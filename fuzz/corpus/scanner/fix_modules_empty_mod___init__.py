"""A module directory with no registrations is still a module."""
