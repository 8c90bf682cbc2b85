//! Every message a person reads exists in Vietnamese and English, carried by the value that
//! explains it rather than sprinkled as strings. Vietnamese comes first.

use serde::{Deserialize, Serialize};

/// The two languages of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    Vi,
    En,
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Message {
    pub vi: String,
    pub en: String,
}

impl Message {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Message {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.vi, self.en)
    }
}

/// How a form field is called on screen, for error messages that name it.
/// Unknown paths fall back to the path itself, so a new field never hides its error.
pub fn field_label(field: &str) -> Message {
    let (vi, en) = match field {
        "area_id" => ("Ấp / khu vực", "Area"),
        "address" => ("Địa chỉ", "Address"),
        "head_name" => ("Tên chủ hộ", "Head of household"),
        "members" => ("Số nhân khẩu", "Household members"),
        "location" => ("Vị trí", "Location"),
        "note" => ("Ghi chú", "Note"),
        "household_id" => ("Hộ gia đình", "Household"),
        "check_date" => ("Ngày kiểm tra", "Check date"),
        "checked_by" => ("Người kiểm tra", "Checked by"),
        "cleanup_date" => ("Ngày ra quân", "Cleanup date"),
        "place" => ("Địa điểm", "Place"),
        "work" => ("Nội dung công việc", "Kinds of work"),
        "participants" => ("Số người tham gia", "Participants"),
        "waste_kg" => ("Khối lượng rác (kg)", "Waste collected (kg)"),
        "bags" => ("Số bao rác", "Bags of waste"),
        "photos" => ("Ảnh", "Photos"),
        "status" => ("Trạng thái", "Status"),
        "clauses" => ("Điều khoản về môi trường", "Environmental clauses"),
        "drafting_started" => ("Ngày bắt đầu soạn thảo", "Drafting started"),
        "consultation_date" => ("Ngày lấy ý kiến cộng đồng", "Community consultation"),
        "approved_date" => ("Ngày xã phê duyệt", "Approved by the commune"),
        "in_force_date" => ("Ngày có hiệu lực", "In force since"),
        "document_sha256" => ("Văn bản đã ký", "Signed document"),
        "name" => ("Tên", "Name"),
        "inspection_date" => ("Ngày kiểm tra", "Inspection date"),
        "sealed_floor" => ("Nền chống thấm", "Sealed floor"),
        "roofed" => ("Có mái che", "Roofed"),
        "enclosed" => ("Có tường rào", "Enclosed"),
        "sorted_containers" => ("Thùng chứa theo nhóm", "Containers per waste group"),
        "collected_on_schedule" => ("Thu gom đúng lịch", "Collected on schedule"),
        "spot_kind" => ("Loại điểm", "Kind of spot"),
        "description" => ("Mô tả", "Description"),
        "reported_date" => ("Ngày phản ánh", "Reported on"),
        "verified_date" => ("Ngày xác minh", "Verified on"),
        "cleaned_date" => ("Ngày thu dọn", "Cleaned on"),
        "closed_date" => ("Ngày xử lý dứt điểm", "Closed on"),
        "briefing_date" => ("Ngày phổ biến", "Briefing date"),
        "topic" => ("Nội dung", "Topic"),
        "audience" => ("Đối tượng", "Audience"),
        "attendance" => ("Số người tham dự", "Attendance"),
        "start_date" => ("Ngày thành lập", "Started on"),
        "activities" => ("Hoạt động", "Activities"),
        "record_id" => ("Hồ sơ được duyệt", "Reviewed record"),
        "record_heads" => ("Phiên bản được duyệt", "Reviewed version"),
        "decision" => ("Quyết định", "Decision"),
        "reason" => ("Lý do", "Reason"),
        "reviewer" => ("Người duyệt", "Reviewer"),
        "author" => ("Người ghi", "Author"),
        "code" => ("Mã đăng ký", "Enrolment code"),
        other => return Message::new(other, other),
    };
    Message::new(vi, en)
}
