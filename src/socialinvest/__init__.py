"""Socialinvest: software that runs a social investment fund end to end."""

__version__ = "0.1.0"
