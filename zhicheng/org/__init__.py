"""Departments, units and their registration."""
