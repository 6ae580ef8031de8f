#!/usr/bin/python3
"""Dev-only: write the reference arrays the media parity tests compare against.

Run once with Debian's Python (the test suite itself never needs Python):

    apt-get install -y python3-opencv python3-pil python3-numpy
    cd /tmp && apt-get download python3-skimage && dpkg -x python3-skimage_*.deb skimage
    /usr/bin/python3 scripts/make-media-fixtures.py /tmp/skimage/usr/lib/python3/dist-packages/skimage/data

(The photos already in test/fixtures/media/ will do as that directory: copy them to a scratch directory and
pass it; the manifest's rgbSha256 values show whether anything changed.)

It copies three photographs into test/fixtures/media/ and writes, under test/fixtures/media/reference/:
  - <case>-cv2.png / <case>-pil.png: the crop resized by cv2.resize(INTER_LINEAR) and by
    PIL Image.resize(BILINEAR) (what torchvision's Resize calls), as lossless RGB PNGs;
  - <case>-cv2-area.png / <case>-pil-nearest.png: the crop resized by cv2.resize(INTER_AREA) (EMO-AffectNet's
    run.py) and by PIL Image.resize(NEAREST) (keras load_img(target_size), EMO-AffectNet's notebooks);
  - <tensor>.f32.gz: normalised tensors (little-endian float32, gzip) computed the way the published
    pipelines do it (hsemotion-onnx for cv2, torchvision ToTensor+Normalize for PIL, Keras-style for NHWC);
  - orientation-6.jpg + orientation-6-cv2.png: a JPEG with EXIF Orientation=6 and what cv2.imread makes of it;
  - manifest.json: every case, box, size, spec, file and the decoded photos' sha256.
"""
import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'test' / 'fixtures' / 'media'
REF = OUT / 'reference'

PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png']

# Boxes are AffectNet-style integer (x, y, w, h); the crop is img[y:y+h, x:x+w] exactly as FER-repo does it.
# None = the whole photo. Sizes cover the card sizes (224 b0, 260 b2, 112 mbf), upscaling, an exact 2x
# downscale (OpenCV switches INTER_LINEAR to INTER_AREA there), a non-square crop and a box past the
# right/bottom edge (numpy slicing clips it, as our crop must).
# The last field lists the kernels with a reference for the case (see KERNELS); cv2 and pil have one for every
# case before the INTER_AREA-only ones, the newer kernels for a subset, to keep the fixtures small.
LINEAR = ('cv2', 'pil')
AREA_NEAREST = ('cv2', 'pil', 'cv2-area', 'pil-nearest')
CASES = [
    ('astronaut-full-224', 'astronaut.png', None, 224, AREA_NEAREST),  # 2.29x: INTER_AREA's general tables
    ('astronaut-full-260', 'astronaut.png', None, 260, LINEAR),
    ('astronaut-face-224', 'astronaut.png', (165, 60, 120, 120), 224, AREA_NEAREST),  # upscale 120 -> 224
    ('astronaut-face-112', 'astronaut.png', (165, 60, 120, 120), 112, LINEAR + ('cv2-area',)),  # slight shrink
    ('astronaut-2x-224', 'astronaut.png', (32, 40, 448, 448), 224, LINEAR + ('cv2-area',)),  # exact 2x
    ('chelsea-face-260', 'chelsea.png', (140, 20, 180, 180), 260, LINEAR),  # upscale 180 -> 260
    ('chelsea-full-112', 'chelsea.png', None, 112, AREA_NEAREST),  # 451x300 -> 112, strong anisotropic downscale
    ('chelsea-edge-224', 'chelsea.png', (300, 150, 200, 200), 224, AREA_NEAREST),  # clipped to 151x150
    ('coffee-full-224', 'coffee.png', None, 224, LINEAR),
    ('coffee-odd-260', 'coffee.png', (211, 37, 97, 131), 260, AREA_NEAREST),  # non-square, non-integer upscale
    # INTER_AREA's other branches: an integer factor other than 2 (336 -> 112), factors 1 and 2 on the two
    # axes (exact, but not the 2x2 special case), factor 1 on one axis and a fraction on the other (the general
    # area tables), and one axis shrinking while the other grows (OpenCV's bilinear fallback on both axes).
    ('astronaut-3x-112', 'astronaut.png', (30, 30, 336, 336), 112, ('cv2-area',)),
    ('astronaut-1x2-112', 'astronaut.png', (40, 32, 112, 224), 112, ('cv2-area',)),
    ('chelsea-1xfrac-112', 'chelsea.png', (113, 0, 112, 300), 112, ('cv2-area',)),
    ('coffee-wide-112', 'coffee.png', (0, 120, 600, 60), 112, ('cv2-area', 'pil-nearest')),
]

# Resize kernels with a reference each: id (the InputSpec `resize` value) -> how the reference is made.
KERNELS = {
    'cv2': lambda crop, size: cv2.resize(crop, (size, size), interpolation=cv2.INTER_LINEAR),
    'pil': lambda crop, size: np.asarray(Image.fromarray(crop).resize((size, size), Image.BILINEAR)),
    'cv2-area': lambda crop, size: cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA),
    'pil-nearest': lambda crop, size: np.asarray(Image.fromarray(crop).resize((size, size), Image.NEAREST)),
}

IMAGENET = dict(scale=1 / 255, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
# (id, case, kernel, spec); spec mirrors InputSpec in src/models/card.ts.
TENSORS = [
    ('astronaut-face-224-cv2-imagenet', 'astronaut-face-224', 'cv2',
     dict(IMAGENET, colorOrder='RGB', layout='NCHW', style='hsemotion-onnx')),
    ('coffee-odd-260-pil-imagenet', 'coffee-odd-260', 'pil',
     dict(IMAGENET, colorOrder='RGB', layout='NCHW', style='torchvision')),
    ('chelsea-full-112-cv2-mbf', 'chelsea-full-112', 'cv2',
     dict(scale=1 / 255, mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5], colorOrder='RGB', layout='NCHW',
          style='hsemotion-onnx')),
    # mobilenet_7.h5 (docs/corpora.md §6.4): RGB, 0..255, x[..., c] -= mean[c], NHWC.
    ('astronaut-full-224-cv2-mobilenet7', 'astronaut-full-224', 'cv2',
     dict(scale=1, mean=[103.939, 116.779, 123.68], std=[1, 1, 1], colorOrder='RGB', layout='NHWC',
          style='keras')),
    # EMO-AffectNet VGGFace2 (docs/corpora.md §4.3): flip to BGR, subtract (B, G, R) means, NHWC.
    ('chelsea-edge-224-cv2-vggface2', 'chelsea-edge-224', 'cv2',
     dict(scale=1, mean=[91.4953, 103.8827, 131.0912], std=[1, 1, 1], colorOrder='BGR', layout='NHWC',
          style='keras')),
    # The emo_affectnet_resnet50 card as it stands: the same normalisation after run.py's cv2.INTER_AREA
    # (a face crop grown 120 -> 224).
    ('astronaut-face-224-cv2-area-vggface2', 'astronaut-face-224', 'cv2-area',
     dict(scale=1, mean=[91.4953, 103.8827, 131.0912], std=[1, 1, 1], colorOrder='BGR', layout='NHWC',
          style='keras')),
]


def load_rgb(path: Path) -> np.ndarray:
    """Decode with PIL and with cv2 and insist they agree (PNG is lossless, so they must)."""
    pil = np.asarray(Image.open(path).convert('RGB'))
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    cv = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    assert pil.shape == cv.shape and np.array_equal(pil, cv), f'{path}: PIL and cv2 decode differently'
    return pil


def normalise(rgb: np.ndarray, spec: dict) -> np.ndarray:
    """The published pipelines' own arithmetic, not ours."""
    x = rgb[..., ::-1] if spec['colorOrder'] == 'BGR' else rgb
    if spec['style'] == 'hsemotion-onnx':  # float64 numpy, then astype(float32)
        x = x / 255
        x = np.stack([(x[..., i] - spec['mean'][i]) / spec['std'][i] for i in range(3)], axis=-1)
        x = x.astype(np.float32)
    elif spec['style'] == 'torchvision':  # ToTensor (float32 / 255) then Normalize in float32
        x = x.astype(np.float32) / np.float32(255)
        x = (x - np.array(spec['mean'], np.float32)) / np.array(spec['std'], np.float32)
    else:  # keras: float32 pixels, per-channel subtraction
        x = x.astype(np.float32) * np.float32(spec['scale'])
        x = (x - np.array(spec['mean'], np.float32)) / np.array(spec['std'], np.float32)
    if spec['layout'] == 'NCHW':
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x, dtype='<f4')


def save_png(rgb: np.ndarray, path: Path) -> None:
    Image.fromarray(rgb, 'RGB').save(path, optimize=True)


def main(src_dir: Path) -> None:
    REF.mkdir(parents=True, exist_ok=True)
    manifest = {
        'generator': 'scripts/make-media-fixtures.py',
        'opencv': cv2.__version__, 'pillow': PIL.__version__, 'numpy': np.__version__,
        'photos': {}, 'cases': [], 'tensors': [],
    }
    photos = {}
    for name in PHOTOS:
        shutil.copyfile(src_dir / name, OUT / name)
        rgb = load_rgb(OUT / name)
        photos[name] = rgb
        manifest['photos'][name] = {
            'width': rgb.shape[1], 'height': rgb.shape[0],
            'rgbSha256': hashlib.sha256(rgb.tobytes()).hexdigest(),
        }

    resized = {}
    for case_id, photo, box, size, kernels in CASES:
        img = photos[photo]
        if box is not None:
            x, y, w, h = box
            img = img[y:y + h, x:x + w]
        crop = np.ascontiguousarray(img)
        entry = {
            'id': case_id, 'photo': photo,
            'box': None if box is None else dict(zip(('x', 'y', 'width', 'height'), box)),
            'cropWidth': crop.shape[1], 'cropHeight': crop.shape[0], 'size': size,
        }
        for kernel in kernels:
            out = np.ascontiguousarray(KERNELS[kernel](crop, size))
            assert out.shape == (size, size, 3) and out.dtype == np.uint8, (case_id, kernel, out.shape)
            resized[(case_id, kernel)] = out
            save_png(out, REF / f'{case_id}-{kernel}.png')
            entry[kernel] = f'reference/{case_id}-{kernel}.png'
        manifest['cases'].append(entry)

    for tensor_id, case_id, kernel, spec in TENSORS:
        t = normalise(resized[(case_id, kernel)], spec)
        with gzip.GzipFile(REF / f'{tensor_id}.f32.gz', 'wb', mtime=0) as f:
            f.write(t.tobytes())
        manifest['tensors'].append({
            'id': tensor_id, 'case': case_id, 'resize': kernel, 'style': spec['style'],
            'spec': {k: spec[k] for k in ('colorOrder', 'layout', 'scale', 'mean', 'std')},
            'shape': list(t.shape), 'file': f'reference/{tensor_id}.f32.gz',
        })

    # EXIF orientation: cv2.imread rotates by the tag (IMREAD_COLOR without IMREAD_IGNORE_ORIENTATION).
    small = np.ascontiguousarray(photos['chelsea.png'][20:120, 150:230])  # 80 wide, 100 high
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    jpg = OUT / 'orientation-6.jpg'
    Image.fromarray(small).save(jpg, quality=95, exif=exif.tobytes())
    decoded = cv2.cvtColor(cv2.imread(str(jpg), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    save_png(decoded, REF / 'orientation-6-cv2.png')
    manifest['orientation'] = {
        'file': 'orientation-6.jpg', 'storedWidth': small.shape[1], 'storedHeight': small.shape[0],
        'cv2Width': decoded.shape[1], 'cv2Height': decoded.shape[0], 'cv2': 'reference/orientation-6-cv2.png',
    }

    (REF / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')
    print(f'wrote {len(CASES)} cases, {len(TENSORS)} tensors to {REF}')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
