"""统计分析: counts of the submitted materials a department sees (its subtree; the root office all) by
状态, 部门, 系列, 级别 and 年度, with pass rates and their trend over the years, drawn by ECharts
(zhicheng/static/vendor/echarts) and downloadable as xlsx, filtered and scoped alike."""
