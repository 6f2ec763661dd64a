"""Reference RecordIO-protobuf encoder and decoder for knn's tests: Debian's python3-protobuf with a record.proto
compiled by protoc, framed as the SageMaker SDK's _write_recordio does (struct.pack("I") magic and length, zero
padding to 4 bytes).

  record_protobuf.py encode SPEC.json OUT.bin   records from JSON to RecordIO bytes (deterministic serialization)
  record_protobuf.py decode IN.bin              RecordIO bytes to JSON records on stdout

A record in JSON: {"features": {KEY: TENSOR}, "label": {KEY: TENSOR}} with TENSOR
{"type": "float32"|"float64"|"int32", "values": [...], "keys": [...], "shape": [...]}; float32 values are given
as their IEEE-754 bit patterns (uint32) so no value changes on the way.
"""
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile

MAGIC = 0xCED7230A
HERE = os.path.dirname(os.path.abspath(__file__))


def load_record_pb2():
    out = tempfile.mkdtemp(prefix="knn-record-proto-")
    subprocess.run(["protoc", f"--proto_path={HERE}", f"--python_out={out}", os.path.join(HERE, "record.proto")], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("record_pb2")


def bits_to_float(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def float_to_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def fill(pb, spec, value):
    kind = spec.get("type", "float32")
    tensor = getattr(value, kind + "_tensor")
    tensor.SetInParent()
    if kind == "float32":
        tensor.values.extend(bits_to_float(b) for b in spec.get("values", []))
    else:
        tensor.values.extend(spec.get("values", []))
    tensor.keys.extend(spec.get("keys", []))
    tensor.shape.extend(spec.get("shape", []))


def encode(spec_path, out_path):
    pb = load_record_pb2()
    with open(spec_path) as f:
        records = json.load(f)
    with open(out_path, "wb") as out:
        for spec in records:
            record = pb.Record()
            for key, tensor in spec.get("features", {}).items():
                fill(pb, tensor, record.features[key])
            for key, tensor in spec.get("label", {}).items():
                fill(pb, tensor, record.label[key])
            data = record.SerializeToString(deterministic=True)
            out.write(struct.pack("<I", MAGIC))
            out.write(struct.pack("<I", len(data)))
            out.write(data)
            out.write(b"\x00" * ((4 - len(data) % 4) % 4))


def tensor_json(value):
    kind = value.WhichOneof("value")
    tensor = getattr(value, kind)
    values = [float_to_bits(v) for v in tensor.values] if kind == "float32_tensor" else list(tensor.values)
    return {"type": kind[: -len("_tensor")], "values": values, "keys": list(tensor.keys), "shape": list(tensor.shape)}


def decode(in_path):
    pb = load_record_pb2()
    with open(in_path, "rb") as f:
        data = f.read()
    records = []
    offset = 0
    while offset < len(data):
        magic, length = struct.unpack_from("<II", data, offset)
        assert magic == MAGIC, f"bad magic at {offset}"
        record = pb.Record()
        record.ParseFromString(data[offset + 8 : offset + 8 + length])
        records.append({
            "features": {k: tensor_json(v) for k, v in sorted(record.features.items())},
            "label": {k: tensor_json(v) for k, v in sorted(record.label.items())},
        })
        offset += 8 + length + (4 - length % 4) % 4
    json.dump(records, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "encode":
        encode(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "decode":
        decode(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
