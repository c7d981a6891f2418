two-parents
types -p mtty
