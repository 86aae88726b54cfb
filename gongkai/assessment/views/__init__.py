"""The assessment pages: dashboard.py (数据看板), scores.py (考核指标与得分), rectifications.py
(整改事项); pages.py holds what they share."""
