"""驾驶舱与导出: the dashboard, exports, the audit log browser and the operation map's data."""
