"""The web app's floor: the map builder and its page, the app's views and panels, labels in
Chinese and English (:mod:`ui.i18n`, also used by :mod:`cli` for its words), basemaps."""
