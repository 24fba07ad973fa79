"""The app the lessons are set in."""
