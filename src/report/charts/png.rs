//! The PNG of each chart: its SVG rasterized, so the two formats show the same picture.

use super::FONT_BYTES;
use std::path::Path;

/// Writes the PNG of chart `svg` to `path`, drawn from the SVG itself by resvg with the
/// compiled-in font as `sans-serif`: the picture is the SVG's, and text is laid out with
/// each glyph's own bearings (plotters' bitmap text dropped them: "dient" for "client").
pub(crate) fn write_png(svg: &str, path: &Path) -> Result<(), String> {
    use resvg::{tiny_skia, usvg};
    static OPTIONS: std::sync::OnceLock<usvg::Options<'static>> = std::sync::OnceLock::new();
    let options = OPTIONS.get_or_init(|| {
        let mut o = usvg::Options::default();
        let fonts = o.fontdb_mut();
        fonts.load_font_data(FONT_BYTES.to_vec());
        fonts.set_sans_serif_family("DejaVu Sans");
        o.font_family = "DejaVu Sans".into();
        o
    });
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let tree = usvg::Tree::from_str(svg, options).map_err(|e| fail(&e))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| fail(&"a chart of no size"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    // Opaque on white: RGB, filtered per row and compressed hard (a third of tiny-skia's
    // RGBA at its default level; the gallery commits these files).
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, size.width(), size.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(|e| fail(&e))?;
    writer.write_image_data(&rgb).map_err(|e| fail(&e))?;
    writer.finish().map_err(|e| fail(&e))?;
    std::fs::write(path, bytes).map_err(|e| fail(&e))
}
