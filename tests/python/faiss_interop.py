#!/usr/bin/python3
"""faiss's side of knn's model-file interop tests (driven by tests/KnnCli.Engine.Tests/ModelFiles).

Runs under Debian's /usr/bin/python3 with python3-faiss and python3-numpy. Arrays travel as raw little-endian
files: .f32 (float32), .i64 (int64), .u8 (uint8).

  faiss_interop.py export DIR
      Builds one index of each kind knn reads, writes each with faiss.write_index to DIR/<case>.index, searches it
      and dumps its parts; DIR/manifest.json describes the cases. Also writes DIR/unsupported_*.index, indexes of
      classes knn does not read.
  faiss_interop.py search INDEX QUERIES K OUT_PREFIX
      faiss.read_index(INDEX), searches the float32 QUERIES (one row per query) with the index's own nprobe, and
      writes OUT_PREFIX.distances.f32 and OUT_PREFIX.ids.i64. Prints {"class", "metric", "d", "ntotal"} as JSON.
  faiss_interop.py reconstruct INDEX OUT
      Writes every stored vector as faiss decodes it (an IVF's through a direct map; an IndexPreTransform's in the
      transformed space) to OUT as float32.
"""
import json
import os
import sys

import faiss
import numpy as np

K = 5
QUERY_COUNT = 12


def save(path, array, dtype):
    np.ascontiguousarray(array, dtype=dtype).tofile(path)


def search_and_save(index, queries, prefix):
    distances, ids = index.search(queries, K)
    save(prefix + ".queries.f32", queries, np.float32)
    save(prefix + ".distances.f32", distances, np.float32)
    save(prefix + ".ids.i64", ids, np.int64)


def ivf_parts(ivf):
    """The coarse centroids and the inverted lists' sizes, ids and codes, as faiss holds them."""
    invlists = ivf.invlists
    sizes, ids, codes = [], [], []
    for list_no in range(ivf.nlist):
        size = invlists.list_size(list_no)
        sizes.append(size)
        if size:
            ids.append(faiss.rev_swig_ptr(invlists.get_ids(list_no), size).copy())
            codes.append(faiss.rev_swig_ptr(invlists.get_codes(list_no), size * invlists.code_size).copy())
    centroids = ivf.quantizer.reconstruct_n(0, ivf.nlist)
    join = lambda parts, dtype: np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    return centroids, np.array(sizes, dtype=np.int64), join(ids, np.int64), join(codes, np.uint8)


def export(directory):
    rng = np.random.default_rng(20240611)
    cases = []

    def case(name, index, d, **extra):
        prefix = os.path.join(directory, name)
        faiss.write_index(index, prefix + ".index")
        queries = rng.standard_normal((QUERY_COUNT, d)).astype(np.float32)
        search_and_save(index, queries, prefix)
        entry = {"name": name, "d": d, "ntotal": int(index.ntotal), "k": K, "queries": QUERY_COUNT}
        entry.update(extra)
        cases.append(entry)
        return prefix

    def dump_ivf(prefix, ivf):
        centroids, sizes, ids, codes = ivf_parts(ivf)
        save(prefix + ".centroids.f32", centroids, np.float32)
        save(prefix + ".list_sizes.i64", sizes, np.int64)
        save(prefix + ".list_ids.i64", ids, np.int64)
        save(prefix + ".list_codes.u8", codes, np.uint8)

    # Flat, L2 and inner product, and an empty one.
    for name, cls, metric in (("flat_l2", faiss.IndexFlatL2, "L2"), ("flat_ip", faiss.IndexFlatIP, "INNER_PRODUCT")):
        xb = rng.standard_normal((300, 12)).astype(np.float32)
        index = cls(12)
        index.add(xb)
        prefix = case(name, index, 12, kind="flat", metric=metric)
        save(prefix + ".vectors.f32", xb, np.float32)
    empty = faiss.IndexFlatL2(7)
    prefix = case("flat_empty", empty, 7, kind="flat", metric="L2")
    save(prefix + ".vectors.f32", np.zeros(0), np.float32)

    # IVFFlat: L2 and inner product with most lists filled ("full" sizes), and one with few filled ("sprs").
    for name, metric, nlist, count in (("ivfflat_l2", faiss.METRIC_L2, 8, 600), ("ivfflat_ip", faiss.METRIC_INNER_PRODUCT, 8, 600),
                                       ("ivfflat_sparse", faiss.METRIC_L2, 64, 10)):
        xt = rng.standard_normal((3000, 10)).astype(np.float32)
        quantizer = faiss.IndexFlatL2(10) if metric == faiss.METRIC_L2 else faiss.IndexFlatIP(10)
        index = faiss.IndexIVFFlat(quantizer, 10, nlist, metric)
        index.train(xt)
        index.add(xt[:count])
        index.nprobe = 3
        prefix = case(name, index, 10, kind="ivfflat", metric="L2" if metric == faiss.METRIC_L2 else "INNER_PRODUCT", nlist=nlist, nprobe=3)
        dump_ivf(prefix, index)

    # IVFPQ, as SageMaker's faiss.IVFPQ (L2, 8-bit codes, by residual).
    xt = rng.standard_normal((4000, 16)).astype(np.float32)
    index = faiss.IndexIVFPQ(faiss.IndexFlatL2(16), 16, 8, 4, 8)
    index.train(xt)
    index.add(xt[:700])
    index.nprobe = 3
    prefix = case("ivfpq", index, 16, kind="ivfpq", metric="L2", nlist=8, nprobe=3, m=4, nbits=8)
    dump_ivf(prefix, index)
    save(prefix + ".pq_centroids.f32", faiss.vector_to_array(index.pq.centroids), np.float32)

    # IndexPreTransform: a LinearTransform with bias over a flat index, and a PCA (a LinearTransform subclass) over IVFPQ.
    transform = faiss.LinearTransform(20, 6, True)
    matrix = rng.standard_normal((6, 20)).astype(np.float32)
    bias = rng.standard_normal(6).astype(np.float32)
    faiss.copy_array_to_vector(matrix.ravel(), transform.A)
    faiss.copy_array_to_vector(bias, transform.b)
    transform.is_trained = True
    index = faiss.IndexPreTransform(transform, faiss.IndexFlatL2(6))
    index.add(rng.standard_normal((250, 20)).astype(np.float32))
    prefix = case("pretransform_flat", index, 20, kind="pretransform", inner="flat", metric="L2", d_out=6)
    save(prefix + ".vectors.f32", index.index.reconstruct_n(0, index.ntotal), np.float32)
    save(prefix + ".A.f32", matrix, np.float32)
    save(prefix + ".b.f32", bias, np.float32)

    xt = rng.standard_normal((3000, 24)).astype(np.float32)
    pca = faiss.PCAMatrix(24, 8)
    inner = faiss.IndexIVFPQ(faiss.IndexFlatL2(8), 8, 4, 2, 8)
    index = faiss.IndexPreTransform(pca, inner)
    index.train(xt)
    index.add(xt[:400])
    inner.nprobe = 2
    prefix = case("pretransform_ivfpq", index, 24, kind="pretransform", inner="ivfpq", metric="L2", d_out=8, nlist=4, nprobe=2, m=2, nbits=8)
    dump_ivf(prefix, inner)
    save(prefix + ".pq_centroids.f32", faiss.vector_to_array(inner.pq.centroids), np.float32)
    save(prefix + ".A.f32", faiss.vector_to_array(pca.A), np.float32)
    save(prefix + ".b.f32", faiss.vector_to_array(pca.b), np.float32)

    # Classes knn does not read: the reader must say what it found.
    xb = rng.standard_normal((50, 8)).astype(np.float32)
    for name, index in (("unsupported_hnsw", faiss.IndexHNSWFlat(8, 4)), ("unsupported_ivfsq", faiss.index_factory(8, "IVF2,SQ8")),
                        ("unsupported_l1", faiss.IndexFlat(8, faiss.METRIC_L1))):
        index.train(xb)
        index.add(xb)
        faiss.write_index(index, os.path.join(directory, name + ".index"))

    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump({"faiss_version": faiss.__version__, "cases": cases}, f, indent=1)


def read_queries(path, d):
    return np.fromfile(path, dtype=np.float32).reshape(-1, d)


def search(index_path, queries_path, k, prefix):
    index = faiss.read_index(index_path)
    queries = read_queries(queries_path, index.d)
    distances, ids = index.search(queries, int(k))
    save(prefix + ".distances.f32", distances, np.float32)
    save(prefix + ".ids.i64", ids, np.int64)
    metric = {faiss.METRIC_L2: "L2", faiss.METRIC_INNER_PRODUCT: "INNER_PRODUCT"}.get(index.metric_type, str(index.metric_type))
    print(json.dumps({"class": type(index).__name__, "metric": metric, "d": index.d, "ntotal": int(index.ntotal)}))


def reconstruct(index_path, out):
    index = faiss.read_index(index_path)
    if isinstance(index, faiss.IndexPreTransform):
        index = faiss.downcast_index(index.index)
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()
    vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros(0)
    save(out, vectors, np.float32)


def main(argv):
    commands = {"export": export, "search": search, "reconstruct": reconstruct}
    if len(argv) < 2 or argv[1] not in commands:
        sys.exit(__doc__)
    commands[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
