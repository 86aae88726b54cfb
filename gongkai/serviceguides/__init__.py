"""Service disclosure (办事服务公开): government service items and their guides (办事指南)."""
