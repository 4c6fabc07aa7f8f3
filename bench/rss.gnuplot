# Server RSS against connected idle clients, one line a server (bench/run writes the data).
# gnuplot -e "datafile='rss.dat'; outfile='rss.png'; n=3" rss.gnuplot
# Each block of the data file starts with a header line whose second column is the title.
set terminal pngcairo size 900,540 font ",11"
set output outfile
set title "Server RSS against connected idle clients (lower is better)"
set xlabel "connected idle clients"
set ylabel "RSS (MiB)"
set key top left
set grid
set yrange [0:*]
plot for [i=0:n-1] datafile index i using 1:2 with linespoints lw 2 pt 7 title columnheader(2)
