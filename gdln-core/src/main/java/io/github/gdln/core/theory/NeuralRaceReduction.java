package io.github.gdln.core.theory;

import io.github.gdln.api.LossKind;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The automatic neural race reduction (docs/theory.md §2.1-§2.2, §2.5): from a bound task (graph, gates, data) and a
 * network, check the assumptions and derive the reduced system of scalar "mode" networks.
 *
 * <p><b>Bases.</b> Each input node v gets an orthonormal basis V_v: the eigenvectors of
 * Σ_p r_p Σ^yx(p)ᵀ Σ^yx(p) + Σ_{p, j} r_{jp} Σ^x(j,p)ᵀ Σ^x(j,p) over the paths starting at v (fixed generic weights
 * r, so that jointly diagonalisable statistics give their common eigenvectors), or a basis supplied by the user.
 * Every other node's modes are carried forward through the network: mode α of s(e) is mapped by W_e onto a mode of
 * t(e) (W_e f_α = b f_β), giving one scalar b_e^{α→β} per edge and mode (the diagonal B_e of docs/theory.md §2.1
 * assumption 2, generalised to a matching so that narrow branches can carry any mode, as in the XOR gating). Output
 * bases are the carried modes, completed.
 *
 * <p><b>Checks</b> (each reported with its measured relative misalignment, see {@link ReductionAssessment}):
 * <ol>
 *   <li>squared-error loss;</li>
 *   <li>aligned start (the network; reported on its own): every W_e maps forward modes onto forward modes one to
 *       one and W_eᵀ maps the forward modes of t(e) into those of s(e) (‖off-pattern‖ / max_e ‖W_e on the modes‖),
 *       and the modes the network carries to the output nodes are the statistics' modes (the part of Σyx and Σx off
 *       the pattern in the network-carried bases, relative, when the two Σ checks below pass);</li>
 *   <li>shared singular vectors, in bases derived from the statistics alone (never carried through the network):
 *       input bases V_v as above, output bases U_o built from the images Σ^yx(p) v_α; U_oᵀ Σ^yx(p) V_v must be a
 *       one-to-one pattern α → β_p(α) for every path;</li>
 *   <li>whitened or shared Σ^x, in the same bases: V_{s(j)}ᵀ Σ^x(j,p) V_{s(p)} couples only modes with the same
 *       output mode (β_j(α') = β_p(α)), or a mode with itself on one path.</li>
 * </ol>
 * When they hold the weights stay W_e(t) = W_e(0) + Σ_k (b_k(t) − b_k(0)) f_{β_k} f_{α_k}ᵀ and the dynamics are
 * exactly docs/theory.md §2.2: τ db_e^α/dt = Σ_{π∋(e,α)} Π_{e'≠e} b_{e'} [s(π) − Σ_{π'} u_{π'} d(π',π)], where π runs
 * over the scalar mode paths, s(π) = (U ᵀ Σ^yx(p) V)_{βα} and d(π',π) = (Vᵀ Σ^x(j,p) V)_{α'α} for π' ending on the same
 * output mode. Path-count factors (K/M², K/M in the routing toy) arise from the sums over paths and trained
 * contexts, not from formulas per example.
 */
public final class NeuralRaceReduction {
    /** Default relative tolerance of the checks. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    static final String LOSS = "squared-error loss";
    /** Name of the aligned-start check (the only one a random start fails; see {@link RandomStartProjection}). */
    public static final String ALIGNED = "aligned start";
    static final String SHARED_YX = "shared singular vectors (Σyx)";
    static final String SHARED_X = "whitened or shared Σx";

    private NeuralRaceReduction() {
    }

    /** Checks the assumptions with automatic input bases and the default tolerance. */
    public static ReductionAssessment assess(BoundTask task, GatedNetwork net) {
        return analyse(task, net, Map.of(), DEFAULT_TOLERANCE).assessment;
    }

    /** Derives the reduced system, or fails listing every failed check with its misalignment. */
    public static ReducedSystem reduce(BoundTask task, GatedNetwork net) {
        return reduce(task, net, Map.of(), DEFAULT_TOLERANCE);
    }

    /**
     * Derives the reduced system.
     *
     * @param inputBases optional orthonormal bases (columns = modes) for input nodes, by node name
     * @param tolerance  relative tolerance of the checks
     */
    public static ReducedSystem reduce(BoundTask task, GatedNetwork net, Map<String, double[][]> inputBases,
                                       double tolerance) {
        Analysis a = analyse(task, net, inputBases, tolerance);
        if (!a.assessment.holds()) {
            throw new IllegalStateException("the neural race reduction does not apply:\n" + a.assessment);
        }
        return a.system;
    }

    /** Checks with user bases and tolerance. */
    public static ReductionAssessment assess(BoundTask task, GatedNetwork net, Map<String, double[][]> inputBases,
                                             double tolerance) {
        return analyse(task, net, inputBases, tolerance).assessment;
    }

    private record Analysis(ReductionAssessment assessment, ReducedSystem system) {
    }

    private static Analysis analyse(BoundTask task, GatedNetwork net, Map<String, double[][]> inputBases,
                                    double tol) {
        if (task.loss().kind() != LossKind.SQUARED_ERROR) {
            return new Analysis(new ReductionAssessment(List.of(ReductionCheck.of(LOSS, Double.POSITIVE_INFINITY,
                    0, "the task's loss is " + task.loss().kind()))), null);
        }
        if (net.graph() != task.graph()) {
            throw new IllegalArgumentException("the network and the task are bound to different graphs");
        }
        PathStatistics stats = PathStatistics.of(task);
        CompiledGraph g = task.graph();
        Paths paths = stats.paths();
        double[][][] w = Paths.weights(net);
        // 1. input bases
        List<double[]>[] modes = newModes(g.nodeCount());
        for (int v : g.inputs()) {
            double[][] basis = inputBases.get(g.node(v).name());
            basis = basis != null ? checkBasis(basis, g.width(v), g.node(v).name()) : inputBasis(stats, v);
            for (int a = 0; a < g.width(v); a++) {
                modes[v].add(Dense.column(basis, a));
            }
        }
        // 2. carry modes forward, edge by edge in topological order of targets
        List<ScalarEdge> scalars = new ArrayList<>();
        List<Map<Integer, Integer>> bySource = new ArrayList<>();
        for (int e = 0; e < g.edgeCount(); e++) {
            bySource.add(new HashMap<>());
        }
        for (int v = 0; v < g.nodeCount(); v++) {
            if (g.isInput(v)) {
                continue;
            }
            for (int e : g.inEdges(v)) {
                carry(g, e, w[e], modes, scalars, bySource.get(e));
            }
        }
        // 3. aligned-start misalignment per edge
        double worst = 0;
        String where = "";
        double norm = 1e-300;
        double[] off = new double[g.edgeCount()];
        for (int e = 0; e < g.edgeCount(); e++) {
            double[] r = edgeMisalignment(w[e], modes[g.source(e)], modes[g.target(e)], scalars, e);
            off[e] = r[0];
            norm = Math.max(norm, r[1]);
        }
        for (int e = 0; e < g.edgeCount(); e++) {
            if (off[e] / norm > worst) {
                worst = off[e] / norm;
                where = "edge '" + g.edge(e).name() + "'";
            }
        }
        // 4. full bases (completed) of every node, scalar paths
        double[][][] basis = new double[g.nodeCount()][][];
        for (int v = 0; v < g.nodeCount(); v++) {
            basis[v] = complete(modes[v], g.width(v));
        }
        List<ScalarPath> scalarPaths = new ArrayList<>();
        List<List<Integer>> ofPath = new ArrayList<>();
        for (Path p : paths.paths()) {
            List<Integer> mine = new ArrayList<>();
            for (int a = 0; a < g.width(p.source()); a++) {
                int mode = a;
                int[] chain = new int[p.depth()];
                boolean complete = true;
                for (int k = 0; k < p.depth(); k++) {
                    Integer s = bySource.get(p.edges()[k]).get(mode);
                    if (s == null) {
                        complete = false;
                        break;
                    }
                    chain[k] = s;
                    mode = scalars.get(s).targetMode();
                }
                if (complete) {
                    mine.add(scalarPaths.size());
                    scalarPaths.add(new ScalarPath(p.index(), a, mode, chain));
                }
            }
            ofPath.add(mine);
        }
        // 5. statistics in the bases, and their checks
        ReducedSystem.Projection training = project(stats, basis, scalarPaths, ofPath, null);
        double yxNorm = 1e-300;
        double xNorm = 1e-300;
        for (Path p : paths.paths()) {
            yxNorm = Math.max(yxNorm, Dense.frobenius(stats.yx(p.index())));
            for (int j : stats.partnersView(p.index())) {
                xNorm = Math.max(xNorm, Dense.frobenius(stats.x(j, p.index())));
            }
        }
        // the Σ checks use bases derived from the statistics alone (a misaligned network must not fail them)
        double[][][] inBasis = new double[g.nodeCount()][][];
        for (int v : g.inputs()) {
            inBasis[v] = complete(modes[v].subList(0, g.width(v)), g.width(v));
        }
        List<ReductionCheck> sigma = statisticsChecks(stats, inBasis, yxNorm, xNorm, tol);
        // aligned start (docs/theory.md §2.1 assumption 2): W_e maps the carried modes one to one, and the carried
        // modes reach the output nodes as the statistics' own modes: with the Σ checks passing in the statistics'
        // bases, whatever of Σyx / Σx falls off the pattern in the network-carried bases is the network's misalignment
        double netYx = training.offYx() / yxNorm;
        double netX = training.offX() / xNorm;
        if (netYx > worst) {
            worst = netYx;
            where = "network modes vs Σyx modes on " + training.offYxWhere();
        }
        if (netX > worst) {
            worst = netX;
            where = "network modes vs Σx on " + training.offXWhere();
        }
        List<ReductionCheck> checks = new ArrayList<>();
        checks.add(ReductionCheck.of(LOSS, 0, 0, ""));
        checks.add(ReductionCheck.of(ALIGNED, worst, tol, where));
        checks.addAll(sigma);
        ReductionAssessment assessment = new ReductionAssessment(checks);
        if (!assessment.holds()) {
            return new Analysis(assessment, null);
        }
        ReducedSystem.Projection[] perContext = new ReducedSystem.Projection[task.contextCount()];
        for (int c = 0; c < perContext.length; c++) {
            perContext[c] = project(stats, basis, scalarPaths, ofPath, stats.context(c));
        }
        return new Analysis(assessment, new ReducedSystem(stats, net, basis, scalars, scalarPaths, training,
                perContext));
    }

    /**
     * The Σ checks of docs/theory.md §2.1 assumption 1 in bases derived from the statistics alone. Input node v: the
     * basis V_v (statistics eigenvectors or the user's). Output node o: the images Σ^yx(p) v_α of the input modes of
     * the paths ending at o, matched to an existing output mode when parallel (|cos| ≥ 1 − 1e-9) and added
     * (Gram-Schmidt) otherwise, which pairs degenerate modes consistently (the SVD pairing u = Σ v / s), then
     * completed. Each mode α of path p thus gets at most one output mode β_p(α).
     * <ul>
     *   <li>Σyx: max_p ‖U_oᵀ Σ^yx(p) V_v off the one-to-one pattern (α → β_p(α))‖ / max_p ‖Σ^yx(p)‖;</li>
     *   <li>Σx: max_{j,p} ‖V_{s(j)}ᵀ Σ^x(j,p) V_{s(p)} off the pairs (α', α) with β_j(α') = β_p(α) (or, for
     *       modes with no target correlation, j = p and α' = α)‖ / max ‖Σ^x(j,p)‖.</li>
     * </ul>
     */
    private static List<ReductionCheck> statisticsChecks(PathStatistics stats, double[][][] inBasis, double yxNorm,
                                                         double xNorm, double tol) {
        Paths paths = stats.paths();
        CompiledGraph g = paths.graph();
        List<double[]>[] outModes = newModes(g.nodeCount());
        for (Path p : paths.paths()) {
            double[][] yx = stats.yx(p.index());
            double[][] v = inBasis[p.source()];
            List<double[]> tgt = outModes[p.target()];
            double scale = Math.max(Dense.frobenius(yx), 1e-300);
            for (int a = 0; a < v.length; a++) {
                double[] c = Dense.mulVec(yx, Dense.column(v, a));
                double len = Dense.norm(c);
                if (len <= 1e-12 * scale) {
                    continue;
                }
                double bestCos = 0;
                for (double[] f : tgt) {
                    bestCos = Math.max(bestCos, Math.abs(Dense.vdot(c, f)) / len);
                }
                if (bestCos < 1 - 1e-9 && tgt.size() < g.width(p.target())) {
                    Matrices.appendOrthonormal(tgt, c, 1e-9);
                }
            }
        }
        double[][][] outBasis = new double[g.nodeCount()][][];
        for (int o : g.outputs()) {
            outBasis[o] = complete(outModes[o], g.width(o));
        }
        // β_p(α) and the Σyx misalignment
        int[][] beta = new int[paths.size()][];
        double offYx = 0;
        String yxWhere = "";
        for (Path p : paths.paths()) {
            double[][] sp = Dense.mulTA(outBasis[p.target()], Dense.mul(stats.yx(p.index()), inBasis[p.source()]));
            int cols = sp[0].length;
            int[] b = new int[cols];
            java.util.Arrays.fill(b, -1);
            double[] bestInRow = new double[sp.length];
            double total = 0;
            for (int r = 0; r < sp.length; r++) {
                for (int c = 0; c < cols; c++) {
                    total += sp[r][c] * sp[r][c];
                }
            }
            double floor = 1e-12 * Math.sqrt(total);
            for (int c = 0; c < cols; c++) {
                int best = -1;
                double bv = floor;
                for (int r = 0; r < sp.length; r++) {
                    if (Math.abs(sp[r][c]) > bv) {
                        bv = Math.abs(sp[r][c]);
                        best = r;
                    }
                }
                b[c] = best;
            }
            double kept = 0;
            for (int c = 0; c < cols; c++) { // one-to-one: a row keeps only its largest column
                if (b[c] >= 0) {
                    bestInRow[b[c]] = Math.max(bestInRow[b[c]], Math.abs(sp[b[c]][c]));
                }
            }
            for (int c = 0; c < cols; c++) {
                if (b[c] >= 0 && Math.abs(sp[b[c]][c]) == bestInRow[b[c]]) {
                    kept += sp[b[c]][c] * sp[b[c]][c];
                    bestInRow[b[c]] = Double.POSITIVE_INFINITY; // keep it once
                } else {
                    b[c] = -1;
                }
            }
            beta[p.index()] = b;
            double off = Math.sqrt(Math.max(0, total - kept));
            if (off > offYx) {
                offYx = off;
                yxWhere = "path " + describe(paths, p.index());
            }
        }
        double offX = 0;
        String xWhere = "";
        for (Path p : paths.paths()) {
            for (int j : stats.partnersView(p.index())) {
                double[][] x = stats.x(j, p.index());
                double[][] dp = Dense.mulTA(inBasis[paths.path(j).source()], Dense.mul(x, inBasis[p.source()]));
                double off = 0;
                for (int r = 0; r < dp.length; r++) {
                    for (int c = 0; c < dp[r].length; c++) {
                        int bj = beta[j][r];
                        int bp = beta[p.index()][c];
                        boolean allowed = bj >= 0 && bj == bp || j == p.index() && r == c && (bj < 0 || bp < 0);
                        if (!allowed) {
                            off += dp[r][c] * dp[r][c];
                        }
                    }
                }
                off = Math.sqrt(off);
                if (off > offX) {
                    offX = off;
                    xWhere = "paths " + describe(paths, j) + " and " + describe(paths, p.index());
                }
            }
        }
        return List.of(ReductionCheck.of(SHARED_YX, offYx / yxNorm, tol, yxWhere),
                ReductionCheck.of(SHARED_X, offX / xNorm, tol, xWhere));
    }

    @SuppressWarnings("unchecked")
    private static List<double[]>[] newModes(int n) {
        List<double[]>[] m = new List[n];
        for (int v = 0; v < n; v++) {
            m[v] = new ArrayList<>();
        }
        return m;
    }

    private static double[][] checkBasis(double[][] b, int n, String node) {
        if (b.length != n || b[0].length != n) {
            throw new IllegalArgumentException("basis of input node '" + node + "' must be " + n + " x " + n
                    + ", was " + b.length + " x " + b[0].length);
        }
        double[][] q = Dense.mulTA(b, b);
        Dense.addScaled(q, -1, Dense.identity(n));
        if (Dense.frobenius(q) > 1e-8) {
            throw new IllegalArgumentException("basis of input node '" + node + "' is not orthonormal: "
                    + "|BᵀB − I| = " + Dense.frobenius(q));
        }
        return b;
    }

    /** Eigenvectors (by decreasing eigenvalue) of a generic combination of the input node's statistics. */
    private static double[][] inputBasis(PathStatistics stats, int v) {
        int n = stats.paths().graph().width(v);
        double[][] a = new double[n][n];
        int k = 0;
        for (Path p : stats.paths().paths()) {
            if (p.source() != v) {
                continue;
            }
            double[][] yx = stats.yx(p.index());
            Dense.addScaled(a, weight(k++), Dense.mulTA(yx, yx));
            for (int j : stats.partnersView(p.index())) {
                double[][] x = stats.x(j, p.index());
                Dense.addScaled(a, weight(k++), Dense.mulTA(x, x));
            }
        }
        for (int i = 0; i < n; i++) { // symmetrise against rounding
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (a[i][j] + a[j][i]);
                a[i][j] = m;
                a[j][i] = m;
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(a, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[][] b = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] vec = eig.getEigenvector(order[c]).toArray();
            for (int r = 0; r < n; r++) {
                b[r][c] = vec[r];
            }
        }
        return b;
    }

    /** Generic positive weights 1 + frac(k φ) / 2, fixed so that results are reproducible. */
    private static double weight(int k) {
        double phi = 0.6180339887498949;
        double f = (k + 1) * phi;
        return 1 + 0.5 * (f - Math.floor(f));
    }

    /** Maps the modes of s(e) through W_e onto modes of t(e), creating target modes as needed. */
    private static void carry(CompiledGraph g, int e, double[][] w, List<double[]>[] modes, List<ScalarEdge> scalars,
                              Map<Integer, Integer> bySource) {
        List<double[]> src = modes[g.source(e)];
        List<double[]> tgt = modes[g.target(e)];
        double scale = Math.max(Dense.frobenius(w), 1e-300);
        for (int a = 0; a < src.size(); a++) {
            double[] c = Dense.mulVec(w, src.get(a));
            double len = Dense.norm(c);
            if (len <= 1e-12 * scale) {
                continue; // structurally zero: this mode does not pass the edge
            }
            int best = -1;
            double bestCos = 0;
            for (int m = 0; m < tgt.size(); m++) {
                double cos = Math.abs(Dense.vdot(c, tgt.get(m))) / len;
                if (cos > bestCos) {
                    bestCos = cos;
                    best = m;
                }
            }
            if (bestCos < 1 - 1e-9 && tgt.size() < g.width(g.target(e))) {
                if (Matrices.appendOrthonormal(tgt, c, 1e-9)) {
                    best = tgt.size() - 1;
                }
            }
            if (best < 0) {
                continue;
            }
            bySource.putIfAbsent(a, scalars.size());
            scalars.add(new ScalarEdge(e, g.edge(e).name(), a, best, Dense.vdot(c, tgt.get(best))));
        }
    }

    /** {off-pattern norm, norm on the modes} of B_e = F_tᵀ W_e F_s plus the leak of W_eᵀ F_t out of span F_s. */
    private static double[] edgeMisalignment(double[][] w, List<double[]> src, List<double[]> tgt,
                                             List<ScalarEdge> scalars, int e) {
        double total = 0;
        double off = 0;
        Map<Long, Boolean> pattern = new HashMap<>();
        int[] perRow = new int[tgt.size()];
        int[] perCol = new int[src.size()];
        for (ScalarEdge s : scalars) {
            if (s.edge() == e) {
                pattern.put((long) s.targetMode() * 1_000_000 + s.sourceMode(), true);
                perRow[s.targetMode()]++;
                perCol[s.sourceMode()]++;
            }
        }
        for (int b = 0; b < tgt.size(); b++) {
            double[] wt = Dense.mulTVec(w, tgt.get(b)); // W_eᵀ f_b
            double inSpan = 0;
            for (int a = 0; a < src.size(); a++) {
                double x = Dense.vdot(wt, src.get(a));
                inSpan += x * x;
                total += x * x;
                boolean onPattern = pattern.containsKey((long) b * 1_000_000 + a) && perRow[b] == 1
                        && perCol[a] == 1;
                if (!onPattern) {
                    off += x * x;
                }
            }
            off += Math.max(0, Dense.vdot(wt, wt) - inSpan); // leak out of the forward modes of s(e)
        }
        return new double[] {Math.sqrt(off), Math.sqrt(total)};
    }

    /** The modes as the leading columns of an orthonormal basis (completed by Gram-Schmidt on unit vectors). */
    static double[][] complete(List<double[]> modes, int n) {
        List<double[]> cols = new ArrayList<>(modes);
        for (int k = 0; k < n && cols.size() < n; k++) {
            double[] v = new double[n];
            v[k] = 1;
            for (int pass = 0; pass < 2; pass++) {
                for (double[] f : cols) {
                    double d = Dense.vdot(v, f);
                    for (int i = 0; i < n; i++) {
                        v[i] -= d * f[i];
                    }
                }
            }
            double l = Dense.norm(v);
            if (l > 1e-6) {
                for (int i = 0; i < n; i++) {
                    v[i] /= l;
                }
                cols.add(v);
            }
        }
        double[][] b = new double[n][n];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < n; r++) {
                b[r][c] = cols.get(c)[r];
            }
        }
        return b;
    }

    /** Projects the training statistics (context == null) or one context's onto the mode paths. */
    private static ReducedSystem.Projection project(PathStatistics stats, double[][][] basis,
                                                    List<ScalarPath> scalarPaths, List<List<Integer>> ofPath,
                                                    PathStatistics.ContextStatistics context) {
        Paths paths = stats.paths();
        int np = paths.size();
        double[] s = new double[scalarPaths.size()];
        List<int[]> pairs = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        double offYx = 0;
        String offYxWhere = "";
        double offX = 0;
        String offXWhere = "";
        Iterable<Integer> active = context == null
                ? paths.paths().stream().map(Path::index).toList()
                : java.util.Arrays.stream(context.activePaths()).boxed().toList();
        for (int p : active) {
            Path path = paths.path(p);
            double[][] yx = context == null ? stats.yx(p) : context.yx().get(p);
            double[][] sp = Dense.mulTA(basis[path.target()], Dense.mul(yx, basis[path.source()]));
            double kept = 0;
            for (int q : ofPath.get(p)) {
                ScalarPath sc = scalarPaths.get(q);
                s[q] = sp[sc.outputMode()][sc.inputMode()];
                kept += s[q] * s[q];
            }
            double off = Math.sqrt(Math.max(0, Dense.dot(sp, sp) - kept));
            if (off > offYx) {
                offYx = off;
                offYxWhere = "path " + describe(paths, p);
            }
            int[] partners = context == null ? stats.partnersView(p) : context.activePaths();
            for (int j : partners) {
                double[][] x = context == null ? stats.x(j, p) : context.x().get((long) j * np + p);
                if (x == null) {
                    continue;
                }
                double[][] dp = Dense.mulTA(basis[paths.path(j).source()], Dense.mul(x, basis[path.source()]));
                double keptX = 0;
                boolean[][] used = new boolean[dp.length][dp[0].length];
                for (int q : ofPath.get(p)) {
                    ScalarPath sc = scalarPaths.get(q);
                    for (int q2 : ofPath.get(j)) {
                        ScalarPath sc2 = scalarPaths.get(q2);
                        if (sc2.outputMode() != sc.outputMode()) {
                            continue;
                        }
                        double v = dp[sc2.inputMode()][sc.inputMode()];
                        if (!used[sc2.inputMode()][sc.inputMode()]) {
                            used[sc2.inputMode()][sc.inputMode()] = true;
                            keptX += v * v;
                        }
                        if (v != 0) {
                            pairs.add(new int[] {q2, q});
                            d.add(v);
                        }
                    }
                }
                // rows α' that start no complete chain of j meet u_j = 0 and never matter
                boolean[] rows = new boolean[dp.length];
                for (int q2 : ofPath.get(j)) {
                    rows[scalarPaths.get(q2).inputMode()] = true;
                }
                double rowSq = 0;
                for (int r = 0; r < dp.length; r++) {
                    if (rows[r]) {
                        rowSq += Dense.vdot(dp[r], dp[r]);
                    }
                }
                double o = Math.sqrt(Math.max(0, rowSq - keptX));
                if (o > offX) {
                    offX = o;
                    offXWhere = "paths " + describe(paths, j) + " and " + describe(paths, p);
                }
            }
        }
        return new ReducedSystem.Projection(s, pairs.toArray(new int[0][]),
                d.stream().mapToDouble(Double::doubleValue).toArray(), context == null ? 0 : context.targetEnergy(),
                offYx, offYxWhere, offX, offXWhere);
    }

    private static String describe(Paths paths, int p) {
        CompiledGraph g = paths.graph();
        StringBuilder b = new StringBuilder(g.node(paths.path(p).source()).name());
        for (int e : paths.path(p).edges()) {
            b.append(" -").append(g.edge(e).name()).append("-> ").append(g.node(g.target(e)).name());
        }
        return b.toString();
    }
}
