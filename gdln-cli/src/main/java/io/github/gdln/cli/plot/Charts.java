package io.github.gdln.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Chart building blocks shared by the run and sweep plots: line charts, heat maps, PNG + SVG output. */
public final class Charts {
    /** A qualitative palette (Tableau 10). */
    public static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(255, 127, 14), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};
    /** Trained pathways. */
    public static final Color TRAINED = new Color(31, 119, 180);
    /** Untrained pathways. */
    public static final Color UNTRAINED = new Color(214, 39, 40);
    private static final BasicStroke DASHED = new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {7f, 5f}, 0f);
    private static final BasicStroke DOTTED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {2f, 4f}, 0f);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * XChart 3.8 places a tick every few units on an axis of whole numbers (epochs) and labels every one, so the
     * labels run together; keep the ticks but label only multiples of a round step giving about six labels.
     */
    private static void sparseXLabels(XYChart c) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : c.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                if (x != Math.rint(x)) {
                    return; // not an axis of whole numbers: XChart's own ticks are fine
                }
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        if (!(hi > lo) || c.getStyler().isXAxisLogarithmic()) {
            return;
        }
        double raw = (hi - lo) / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10);
        java.text.DecimalFormat format = new java.text.DecimalFormat("#,##0.##");
        c.getStyler().setxAxisTickLabelsFormattingFunction(v -> {
            double k = v / step;
            return Math.abs(k - Math.rint(k)) < 1e-6 ? format.format(v) : " "; // XChart rejects empty labels
        });
    }

    /** A line chart with axis titles. */
    public static XYChart lines(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        c.getStyler().setLegendBorderColor(new Color(200, 200, 200));
        c.getStyler().setYAxisDecimalPattern("#,##0.###");
        c.getStyler().setXAxisDecimalPattern("#,##0.##");
        c.getStyler().setXAxisTickMarkSpacingHint(90);
        return c;
    }

    /** Adds a solid line (NaN points dropped). */
    public static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        double[][] xy = finite(x, y);
        if (xy[0].length == 0) {
            return null;
        }
        XYSeries s = c.addSeries(unique(c, name), xy[0], xy[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(width));
        return s;
    }

    /** Adds a dashed line (theory). */
    public static XYSeries dashed(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = line(c, name, x, y, color, 2f);
        if (s != null) {
            s.setLineStyle(DASHED);
        }
        return s;
    }

    /** Adds a dotted horizontal line at {@code y} over {@code [x0, x1]} (fixed points). */
    public static XYSeries hline(XYChart c, String name, double x0, double x1, double y, Color color) {
        XYSeries s = line(c, name, new double[] {x0, x1}, new double[] {y, y}, color, 1.2f);
        if (s != null) {
            s.setLineStyle(DOTTED);
        }
        return s;
    }

    /** Adds points with error bars (mean +- std). */
    public static XYSeries errorBars(XYChart c, String name, double[] x, double[] y, double[] err, Color color) {
        XYSeries s = c.addSeries(unique(c, name), x, y, err);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(1.8f));
        c.getStyler().setMarkerSize(7);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        return s;
    }

    /**
     * A heat map of {@code values[row][col]} (row 0 at the top) with a diverging blue-white-red scale over
     * {@code [min, max]}, or a sequential one when {@code sequential}.
     */
    public static HeatMapChart heatMap(String title, String x, String y, double[][] values, double min, double max,
                                       boolean sequential) {
        int rows = values.length;
        int cols = values[0].length;
        int size = Math.max(360, Math.min(900, 24 * Math.max(rows, cols) + 200));
        HeatMapChart c = new HeatMapChartBuilder().width(size + 120).height(size).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setShowValue(rows * cols <= 100);
        c.getStyler().setHeatMapValueDecimalPattern("0.##");
        c.getStyler().setMin(min);
        c.getStyler().setMax(max);
        // XChart indexes past its colour table for a value exactly at the maximum: keep values a hair inside
        double inside = (max - min) * 1e-9;
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setRangeColors(sequential
                ? new Color[] {new Color(13, 8, 135), new Color(156, 23, 158), new Color(237, 121, 83),
                    new Color(240, 249, 33)}
                : new Color[] {new Color(59, 76, 192), new Color(221, 221, 221), new Color(180, 4, 38)});
        c.getStyler().setPlotContentSize(1.0);
        c.getStyler().setAxisTicksVisible(rows <= 20 && cols <= 20);
        int[] xs = new int[cols];
        int[] ys = new int[rows];
        for (int i = 0; i < cols; i++) {
            xs[i] = i;
        }
        for (int i = 0; i < rows; i++) {
            ys[i] = i;
        }
        List<Number[]> data = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                // XChart draws y = 0 at the bottom: flip so that row 0 is at the top, like a matrix
                data.add(new Number[] {col, rows - 1 - r, Math.max(min + inside, Math.min(max - inside, values[r][col]))});
            }
        }
        List<Integer> xl = new ArrayList<>();
        List<Integer> yl = new ArrayList<>();
        for (int i : xs) {
            xl.add(i);
        }
        for (int i = rows - 1; i >= 0; i--) {
            yl.add(i);
        }
        c.addSeries("values", xl, yl, data);
        return c;
    }

    /** Saves {@code chart} as {@code <base>.png} and {@code <base>.svg}. */
    public static void save(Chart<?, ?> chart, Path base) throws IOException {
        if (chart instanceof XYChart xy) {
            sparseXLabels(xy);
        }
        String b = base.toString();
        BitmapEncoder.saveBitmapWithDPI(chart, b + ".png", BitmapEncoder.BitmapFormat.PNG, 110);
        VectorGraphicsEncoder.saveVectorGraphic(chart, b + ".svg", VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }

    private static double[][] finite(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
            }
        }
        double[][] out = new double[2][n];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                out[0][k] = x[i];
                out[1][k++] = y[i];
            }
        }
        return out;
    }

    private static String unique(XYChart c, String name) {
        String n = name;
        for (int i = 2; c.getSeriesMap().containsKey(n); i++) {
            n = name + " (" + i + ")";
        }
        return n;
    }
}
