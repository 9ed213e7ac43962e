"""Age: the age profile of homeworking, and one age band against the UK or another band."""

import ui

# 1/ Selections (bound to the URL: ?band=…&vs=…), the answer in words, the Share menu, then the figures
view = ui.comparison("age")

# 2/ The profile on both measures, the UK as reference
ui.show_chart(view, view.chart("age-profile"))
