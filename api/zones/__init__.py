"""Service zones: the polygons the platform serves."""
