"""Secrecy records (保密管理): each sub-package's models, composed here so the app label, its
tables and its migrations stay in one place."""

__all__ = []
