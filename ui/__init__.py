"""What a person sees: the map builder and page packaging, the app's views, labels in
Chinese and English, basemaps, the preview figure and the ``shmap`` command line."""
