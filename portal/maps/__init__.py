"""Maps drawn with folium: offline Leaflet assets and tiles, browser-built layers and their
JavaScript, and the operation map drawn from shared.reporting's plain data."""
