"""What a lesson notebook needs around the lesson itself: setting up the kernel, the
your-turn stubs, and (later) the views."""
