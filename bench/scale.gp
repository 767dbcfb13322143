# bench/scale.sh's chart: handshakes/s, server CPU per handshake and
# server kB per client, dcovpn next to openvpn 2.6, one cluster per
# client count.
# gnuplot -e "dat='results.dat'; png='scale.png'; title='...'" bench/scale.gp
set terminal pngcairo size 1650,500 font "sans,11"
set output png
set multiplot layout 1,3 title title
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set xlabel "clients"
set title "handshakes per second (higher is better)"
plot dat using 2:xtic(1) title "dcovpn" lc rgb "#1f77b4", \
     '' using 3 title "openvpn 2.6" lc rgb "#d62728"
set title "server CPU ms per handshake (lower is better)"
plot dat using 6:xtic(1) title "dcovpn" lc rgb "#1f77b4", \
     '' using 7 title "openvpn 2.6" lc rgb "#d62728"
set title "server kB per client (lower is better)"
plot dat using 4:xtic(1) title "dcovpn" lc rgb "#1f77b4", \
     '' using 5 title "openvpn 2.6" lc rgb "#d62728", \
     40 title "issue 13 target: 40 kB" dt 2 lw 2 lc rgb "#2ca02c"
unset multiplot
