#!/usr/bin/python3
"""Dev-only: reference RetinaFace detections for test/media/faces/retinaface.test.ts.

Runs mnet.25_v2.onnx (from the `retinaface` npm package) with OpenCV's DNN module instead of
onnxruntime, and decodes it in numpy the way insightface's RetinaFace (retinaface.py) does: legacy
"+1" anchors from a 16-px base, per-stride (H, W, A) anchor planes, bbox_pred / landmark_pred with
landmark_std 0.2, score threshold, and "+1" greedy NMS. The frame is letterboxed as the TypeScript
detector does (cv2.resize INTER_LINEAR into the top-left of a zero 640x640, RGB), and boxes are clipped
to the frame as EMO-AffectNet does. Writes test/fixtures/faces/retinaface-reference.json.

    /usr/bin/python3 scripts/retinaface-reference.py   # Debian python3-opencv 4.6, python3-numpy
"""
import json, os
import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, 'node_modules/retinaface/mnet.25_v2.onnx')
DEMO = os.path.join(ROOT, 'node_modules/@vladmandic/face-api/demo')
IMAGES = {
    'astronaut': os.path.join(ROOT, 'test/fixtures/faces/astronaut.png'),
    'coffee': os.path.join(ROOT, 'test/fixtures/media/coffee.png'),
    'sample1': os.path.join(DEMO, 'sample1.jpg'),
    'sample5': os.path.join(DEMO, 'sample5.jpg'),
}
SIZE = 640
CONFIDENCE = 0.5  # below the default 0.7, so the borderline face of sample1 (≈0.54) is in the reference
NMS = 0.4
STRIDES = {32: (32, 16), 16: (8, 4), 8: (2, 1)}


def base_anchors(scales):
    # insightface generate_anchors(base_size=16, ratios=[1], scales): a 16x16 box [0, 0, 15, 15] scaled about its centre.
    ctr = 7.5
    out = []
    for s in scales:
        w = 16 * s
        out.append([ctr - 0.5 * (w - 1), ctr - 0.5 * (w - 1), ctr + 0.5 * (w - 1), ctr + 0.5 * (w - 1)])
    return np.array(out, dtype=np.float64)


def nms_plus_one(dets, thresh):
    x1, y1, x2, y2, scores = dets[:, 0], dets[:, 1], dets[:, 2], dets[:, 3], dets[:, 4]
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = scores.argsort()[::-1]
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        w = np.maximum(0.0, np.minimum(x2[i], x2[order[1:]]) - np.maximum(x1[i], x1[order[1:]]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[order[1:]]) - np.maximum(y1[i], y1[order[1:]]) + 1)
        inter = w * h
        ovr = inter / (areas[i] + areas[order[1:]] - inter)
        order = order[1:][ovr <= thresh]
    return keep


def detect(net, bgr):
    h, w = bgr.shape[:2]
    scale = min(SIZE / w, SIZE / h)
    rw, rh = min(SIZE, max(1, round(w * scale))), min(SIZE, max(1, round(h * scale)))
    rgb = bgr[:, :, ::-1]
    resized = rgb if (rw, rh) == (w, h) else cv2.resize(np.ascontiguousarray(rgb), (rw, rh), interpolation=cv2.INTER_LINEAR)
    canvas = np.zeros((SIZE, SIZE, 3), np.float32)
    canvas[:rh, :rw] = resized
    net.setInput(canvas.transpose(2, 0, 1)[None])
    names = [f'face_rpn_{k}_stride{s}' for s in STRIDES for k in ('cls_prob_reshape', 'bbox_pred', 'landmark_pred')]
    outs = dict(zip(names, net.forward(names)))
    boxes, scores, marks = [], [], []
    for s, scales in STRIDES.items():
        a = len(scales)
        cls = outs[f'face_rpn_cls_prob_reshape_stride{s}'][:, a:, :, :]
        hh, ww = cls.shape[2], cls.shape[3]
        sc = cls.transpose(0, 2, 3, 1).reshape(-1)
        deltas = outs[f'face_rpn_bbox_pred_stride{s}'].transpose(0, 2, 3, 1).reshape(-1, 4)
        lmk = outs[f'face_rpn_landmark_pred_stride{s}'].transpose(0, 2, 3, 1).reshape(-1, 5, 2) * 0.2
        shift_x, shift_y = np.meshgrid(np.arange(ww) * s, np.arange(hh) * s)
        shifts = np.stack([shift_x, shift_y, shift_x, shift_y], axis=-1).reshape(hh, ww, 1, 4)
        anchors = (shifts + base_anchors(scales).reshape(1, 1, a, 4)).reshape(-1, 4)
        aw = anchors[:, 2] - anchors[:, 0] + 1
        ah = anchors[:, 3] - anchors[:, 1] + 1
        cx = anchors[:, 0] + 0.5 * (aw - 1)
        cy = anchors[:, 1] + 0.5 * (ah - 1)
        pcx, pcy = deltas[:, 0] * aw + cx, deltas[:, 1] * ah + cy
        pw, ph = np.exp(deltas[:, 2]) * aw, np.exp(deltas[:, 3]) * ah
        b = np.stack([pcx - 0.5 * (pw - 1), pcy - 0.5 * (ph - 1), pcx + 0.5 * (pw - 1), pcy + 0.5 * (ph - 1)], axis=1)
        m = np.stack([lmk[:, :, 0] * aw[:, None] + cx[:, None], lmk[:, :, 1] * ah[:, None] + cy[:, None]], axis=2)
        keep = sc > CONFIDENCE
        boxes.append(b[keep]); scores.append(sc[keep]); marks.append(m[keep])
    boxes, scores, marks = np.concatenate(boxes) / scale, np.concatenate(scores), np.concatenate(marks) / scale
    if len(scores) == 0:
        return []
    keep = nms_plus_one(np.hstack([boxes, scores[:, None]]), NMS)
    faces = []
    for i in keep:
        x1, y1 = min(max(boxes[i, 0], 0), w), min(max(boxes[i, 1], 0), h)
        x2, y2 = min(max(boxes[i, 2], 0), w), min(max(boxes[i, 3], 0), h)
        faces.append({'box': [float(x1), float(y1), float(x2 - x1), float(y2 - y1)], 'score': float(scores[i]), 'landmarks': marks[i].tolist()})
    return faces


net = cv2.dnn.readNetFromONNX(MODEL)
ref = {'tool': f'OpenCV {cv2.__version__} DNN + numpy (insightface decoding)', 'confidence': CONFIDENCE, 'nmsIou': NMS, 'images': {}}
for name, path in IMAGES.items():
    ref['images'][name] = detect(net, cv2.imread(path, cv2.IMREAD_COLOR))
out = os.path.join(ROOT, 'test/fixtures/faces/retinaface-reference.json')
with open(out, 'w') as f:
    json.dump(ref, f, indent=1)
    f.write('\n')
print(out, {k: len(v) for k, v in ref['images'].items()})
