#include "numberspane.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

#include "core/phonenumbers.h"
#include "engineclient.h"
#include "formatting.h"
#include "numbermodel.h"
#include "proxy/proxy.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

NumbersPane::NumbersPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
    , m_model(new NumberModel(context.reader, this))
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Service:"), this));
    m_service = new ServiceCombo(context.services, false, this);
    top->addWidget(m_service);
    top->addSpacing(16);
    m_number = new QLineEdit(this);
    m_number->setPlaceholderText(tr("+14155550100 or PN…"));
    m_number->setClearButtonEnabled(true);
    m_reserved = new QCheckBox(tr("Reserved"), this);
    auto *add = new QPushButton(tr("&Add"), this);
    auto *import = new QPushButton(tr("&Import list / CSV…"), this);
    top->addWidget(m_number, 1);
    top->addWidget(m_reserved);
    top->addWidget(add);
    top->addWidget(import);
    layout->addLayout(top);

    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);

    m_view = makeTable(this);
    m_view->setModel(m_model);
    enableSorting(m_view);
    m_view->setColumnWidth(NumberModel::NumberColumn, 150);
    m_view->setColumnWidth(NumberModel::CapabilitiesColumn, 170);
    m_view->setColumnWidth(NumberModel::FriendlyNameColumn, 150);
    layout->addWidget(m_view);

    auto *actions = new QHBoxLayout;
    auto *reserve = new QPushButton(tr("&Reserve / release"), this);
    auto *remove = new QPushButton(tr("Re&move…"), this);
    auto *capabilities = new QPushButton(tr("&Capabilities…"), this);
    capabilities->setObjectName(u"capabilitiesButton"_s);
    auto *holders = new QPushButton(tr("&Who holds this number?"), this);
    actions->addWidget(reserve);
    actions->addWidget(remove);
    actions->addWidget(capabilities);
    actions->addStretch();
    actions->addWidget(holders);
    layout->addLayout(actions);

    connect(m_service, &ServiceCombo::serviceChanged, m_model, &NumberModel::setServiceSid);
    connect(m_service, &ServiceCombo::serviceChanged, m_banner, &MessageBanner::clearMessage);
    connect(add, &QPushButton::clicked, this, &NumbersPane::addNumber);
    connect(m_number, &QLineEdit::returnPressed, this, &NumbersPane::addNumber);
    connect(import, &QPushButton::clicked, this, &NumbersPane::showImportDialog);
    connect(reserve, &QPushButton::clicked, this, &NumbersPane::toggleReserved);
    connect(remove, &QPushButton::clicked, this, &NumbersPane::removeSelected);
    connect(capabilities, &QPushButton::clicked, this, &NumbersPane::editCapabilities);
    connect(holders, &QPushButton::clicked, this, &NumbersPane::showHolders);
    connect(m_view, &QTableView::doubleClicked, this, &NumbersPane::showHolders);
    connect(m_view, &QWidget::customContextMenuRequested, this, &NumbersPane::showContextMenu);
    m_model->setServiceSid(m_service->currentSid());
}

QString NumbersPane::serviceSid() const
{
    return m_service->currentSid();
}

void NumbersPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"numbers"_s, m_view);
}

void NumbersPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"numbers"_s, m_view);
}

namespace {

// One CSV row (RFC 4180 quoting: "a, b" is one cell, "" inside quotes is a quote), split on commas, semicolons or tabs.
QStringList splitCsvRow(const QString &line)
{
    QStringList cells{QString()};
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                cells.last().append(c);
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                cells.last().append(c);
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',' || c == u';' || c == u'\t') {
            cells.append(QString());
        } else {
            cells.last().append(c);
        }
    }
    return cells;
}

} // namespace

QStringList NumbersPane::parseNumberList(const QString &text)
{
    QStringList numbers;
    const auto take = [&numbers](const QString &raw, bool mustBeNumber) {
        const QString cell = raw.trimmed();
        const QString compact = Format::compactNumber(cell);
        if (cell.startsWith(u"PN"_s)) {
            numbers.append(cell);
        } else if (compact.contains(QRegularExpression(u"\\d"_s))) {
            numbers.append(compact);
        } else if (mustBeNumber && !cell.isEmpty()) {
            numbers.append(cell); // kept as written so the import reports it instead of skipping it silently
        }
    };
    std::optional<qsizetype> column; // set by a CSV header: one number per row, from that column
    bool first = true;
    const QStringList lines = text.split(QRegularExpression(u"[\r\n]+"_s), Qt::SkipEmptyParts);
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#')) {
            continue;
        }
        const QStringList cells = splitCsvRow(line);
        if (std::exchange(first, false) && !line.contains(QRegularExpression(u"\\d{4}"_s))) {
            // A CSV header: the phone_number column if it names one, else the first.
            column = 0;
            for (qsizetype c = 0; c < cells.size(); ++c) {
                const QString name = cells.at(c).trimmed().toLower();
                if (name == u"phone_number"_s || name == u"number"_s || name == u"phonenumber"_s) {
                    column = c;
                }
            }
            continue;
        }
        if (column) {
            take(cells.value(*column), true);
            continue;
        }
        // A pasted list: numbers separated by commas, semicolons, tabs, or spaces before a '+'; labels without a
        // digit in them (a headerless CSV's names) are not numbers and are left out.
        for (const QString &cell : cells) {
            for (const QString &part : cell.split(QRegularExpression(u"\\s+(?=\\+)"_s), Qt::SkipEmptyParts)) {
                take(part, false);
            }
        }
    }
    return numbers;
}

NumbersPane::ImportPlan NumbersPane::parseImport(const QString &text, const QString &region)
{
    ImportPlan plan;
    std::optional<qsizetype> column; // set by a CSV header: one number per row, from that column
    std::optional<qsizetype> nameColumn;
    bool first = true;
    const QStringList lines = text.split(u'\n');
    const auto take = [&](int line, const QString &raw, const QString &name, bool mustBeNumber) {
        const QString cell = raw.trimmed();
        if (cell.startsWith(u"PN"_s)) {
            plan.lines.append({line, cell, name});
            return;
        }
        const QString e164 = PhoneNumbers::toE164(cell, region);
        if (!e164.isEmpty()) {
            plan.lines.append({line, e164, name});
        } else if (cell.isEmpty()) {
            if (mustBeNumber) {
                plan.skipped.append(tr("line %1: no phone number").arg(line));
            }
        } else if (mustBeNumber || cell.contains(QRegularExpression(u"\\d"_s))) {
            plan.skipped.append(
                tr("line %1: \u201c%2\u201d is not a valid phone number for %3").arg(line).arg(cell.left(40), region));
        }
    };
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNumber = int(i + 1);
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(u'#')) {
            continue;
        }
        const QStringList cells = splitCsvRow(line);
        if (std::exchange(first, false) && !line.contains(QRegularExpression(u"\\d{4}"_s))) {
            // A CSV header: the phone_number column if it names one, else the first; friendly_name if there is one.
            column = 0;
            for (qsizetype c = 0; c < cells.size(); ++c) {
                const QString name = cells.at(c).trimmed().toLower();
                if (name == u"phone_number"_s || name == u"number"_s || name == u"phonenumber"_s) {
                    column = c;
                } else if (name == u"friendly_name"_s || name == u"friendlyname"_s || name == u"name"_s) {
                    nameColumn = c;
                }
            }
            continue;
        }
        if (column) {
            const QString name = nameColumn ? cells.value(*nameColumn).trimmed().left(64) : QString();
            take(lineNumber, cells.value(*column), name, true);
            continue;
        }
        // A pasted list: numbers separated by commas, semicolons, tabs, or spaces before a '+'.
        for (const QString &cell : cells) {
            for (const QString &part : cell.split(QRegularExpression(u"\\s+(?=\\+)"_s), Qt::SkipEmptyParts)) {
                take(lineNumber, part, {}, false);
            }
        }
    }
    return plan;
}

QString NumbersPane::serviceCountry() const
{
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const PhoneNumber *n = m_model->rowAt(r);
        if (n && !n->isoCountry.isEmpty()) {
            return n->isoCountry;
        }
    }
    const QString territory = QLocale::territoryToCode(QLocale::system().territory());
    return territory.size() == 2 ? territory : u"US"_s;
}

void NumbersPane::addNumber()
{
    const QString text = m_number->text().trimmed();
    if (text.isEmpty() || serviceSid().isEmpty()) {
        m_banner->showError(serviceSid().isEmpty() ? tr("Create a service first: numbers belong to a service's pool.")
                                                   : tr("Type a phone number in E.164 form, e.g. +14155550100."));
        return;
    }
    PhoneNumberParams p;
    if (text.startsWith(u"PN"_s)) {
        p.sid = text;
    } else {
        // A national "(415) 555-9004" is read in the pool's country; anything unreadable goes to the engine as typed,
        // which says what is wrong with it.
        const QString e164 = PhoneNumbers::toE164(text, serviceCountry());
        p.phoneNumber = e164.isEmpty() ? Format::compactNumber(text) : e164;
    }
    p.isReserved = m_reserved->isChecked();
    m_banner->clearMessage();
    m_ctx.engine->addNumber(serviceSid(), p, this, [this](Result<PhoneNumber> r) {
        if (!r) {
            m_banner->showError(EngineClient::describe(r.error()));
            return;
        }
        m_number->clear();
        m_banner->showInfo(tr("Added %1 to the pool.").arg(r->phoneNumber));
    });
}

void NumbersPane::showImportDialog()
{
    if (serviceSid().isEmpty()) {
        m_banner->showError(tr("Create a service first: numbers belong to a service's pool."));
        return;
    }
    auto *dialog = new ImportNumbersDialog(serviceCountry(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog]() {
        const ImportPlan plan = dialog->plan();
        importLines(plan.lines, plan.skipped, dialog->reserved());
    });
    dialog->open();
}

void NumbersPane::importNumbers(const QStringList &numbers, bool reserved)
{
    QList<ImportLine> lines;
    for (const QString &n : numbers) {
        lines.append({0, n, {}});
    }
    importLines(lines, {}, reserved);
}

void NumbersPane::importLines(const QList<ImportLine> &numbers, const QStringList &skipped, bool reserved)
{
    if (m_import.progress) {
        return;
    }
    if (numbers.isEmpty()) {
        if (!skipped.isEmpty()) {
            m_banner->showError(tr("Nothing to import.") + u"\n"_s + skipped.join(u"\n"_s));
        }
        return;
    }
    m_import = Import{};
    m_import.numbers = numbers;
    m_import.skipped = skipped;
    m_import.reserved = reserved;
    m_import.progress =
        new QProgressDialog(tr("Adding numbers to the pool…"), tr("Stop"), 0, int(numbers.size()), this);
    m_import.progress->setWindowTitle(tr("Import numbers"));
    m_import.progress->setMinimumDuration(300);
    m_import.progress->setValue(0);
    m_banner->clearMessage();
    importNext();
}

void NumbersPane::importNext()
{
    QProgressDialog *progress = m_import.progress;
    const bool stopped = progress && progress->wasCanceled();
    if (stopped || m_import.next >= m_import.numbers.size()) {
        const int skipped = int(m_import.numbers.size()) - m_import.next;
        QString summary = tr("Imported %1 of %2 numbers.").arg(m_import.added).arg(m_import.numbers.size());
        if (stopped && skipped > 0) {
            summary += u" "_s + tr("Stopped: %n not tried.", "", skipped);
        }
        if (!m_import.skipped.isEmpty()) {
            summary += u" "_s + tr("%n line(s) skipped.", "", int(m_import.skipped.size()));
        }
        const QStringList problems = m_import.skipped + m_import.failures;
        if (!problems.isEmpty()) {
            summary += u"\n"_s + problems.join(u"\n"_s);
            m_banner->showError(summary);
        } else {
            m_banner->showInfo(summary);
        }
        if (progress) {
            progress->setValue(progress->maximum());
            progress->deleteLater();
        }
        m_import.progress = nullptr;
        return;
    }
    const ImportLine entry = m_import.numbers.at(m_import.next++);
    const QString number = entry.number;
    PhoneNumberParams p;
    if (number.startsWith(u"PN"_s)) {
        p.sid = number;
    } else {
        p.phoneNumber = number;
    }
    p.isReserved = m_import.reserved;
    p.friendlyName = entry.friendlyName;
    m_ctx.engine->addNumber(serviceSid(), p, this, [this, number, line = entry.line](Result<PhoneNumber> r) {
        if (r) {
            ++m_import.added;
        } else {
            const QString failure = u"%1 — %2"_s.arg(number, EngineClient::describe(r.error()));
            m_import.failures.append(line > 0 ? tr("line %1: %2").arg(line).arg(failure) : failure);
        }
        if (m_import.progress) {
            m_import.progress->setValue(m_import.next);
        }
        importNext();
    });
}

void NumbersPane::toggleReserved()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows) {
        const PhoneNumber *n = m_model->rowAt(i.row());
        if (!n) {
            continue;
        }
        m_ctx.engine->setNumberReserved(n->serviceSid, n->sid, !n->isReserved, this, [this](Result<PhoneNumber> r) {
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_banner->showInfo(r->isReserved ? tr("%1 is now reserved.").arg(r->phoneNumber)
                                             : tr("%1 is no longer reserved.").arg(r->phoneNumber));
        });
    }
}

void NumbersPane::removeSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        return;
    }
    QStringList names;
    QList<PhoneNumber> numbers;
    for (const QModelIndex &i : rows) {
        if (const PhoneNumber *n = m_model->rowAt(i.row())) {
            if (n->carrierManaged) {
                // Its webhooks point at Maskline; only the REST API's delete puts the previous ones back.
                m_banner->showError(tr("%1 came from the carrier account: remove it with DELETE …/PhoneNumbers/%2 "
                                       "(REST API), which also puts its previous webhooks back.")
                                        .arg(n->phoneNumber, n->sid));
                return;
            }
            numbers.append(*n);
            names.append(n->phoneNumber);
        }
    }
    if (QMessageBox::question(this, tr("Remove numbers"),
                              tr("Remove %1 from the pool? Numbers in use by an active session cannot be removed.")
                                  .arg(names.join(u", "_s)),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    m_banner->clearMessage();
    for (const PhoneNumber &n : std::as_const(numbers)) {
        m_ctx.engine->removeNumber(n.serviceSid, n.sid, this, [this, number = n.phoneNumber](Status st) {
            if (!st) {
                m_banner->showError(EngineClient::describe(st.error()));
                return;
            }
            if (!m_banner->isError()) {
                m_banner->showInfo(tr("Removed %1 from the pool.").arg(number));
            }
        });
    }
}

void NumbersPane::editCapabilities()
{
    const QModelIndex i = m_view->currentIndex();
    const PhoneNumber *n = i.isValid() ? m_model->rowAt(i.row()) : nullptr;
    if (!n) {
        m_banner->showError(tr("Select a number first."));
        return;
    }
    if (n->carrierManaged) {
        m_banner->showError(tr("%1 is a number of the carrier account: its capabilities come from there and cannot "
                               "be edited here.")
                                .arg(n->phoneNumber));
        return;
    }
    auto *dialog = new CapabilitiesDialog(n->phoneNumber, n->capabilities, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, serviceSid = n->serviceSid, sid = n->sid, number = n->phoneNumber]() {
                const Capabilities caps = dialog->capabilities();
                m_banner->clearMessage();
                m_ctx.engine->call(
                    this,
                    [serviceSid, sid, caps](Proxy &p, const QString &account) {
                        return p.updatePhoneNumber(account, serviceSid, sid, std::nullopt, caps);
                    },
                    [this](Result<PhoneNumber> r) {
                        if (!r) {
                            m_banner->showError(EngineClient::describe(r.error()));
                            return;
                        }
                        m_banner->showInfo(
                            tr("%1 now has: %2.").arg(r->phoneNumber, NumberModel::capabilitiesText(r->capabilities)));
                    });
            });
    dialog->open();
}

void NumbersPane::showHolders()
{
    const QModelIndex i = m_view->currentIndex();
    const PhoneNumber *n = i.isValid() ? m_model->rowAt(i.row()) : nullptr;
    if (!n) {
        return;
    }
    Q_EMIT holdersRequested(n->serviceSid, n->sid, n->phoneNumber);
}

void NumbersPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const QString sid = i.siblingAtColumn(0).data(SidRole).toString();
        const QString number = i.siblingAtColumn(NumberModel::NumberColumn).data().toString();
        menu.addAction(tr("Copy number"), this, [number]() { QApplication::clipboard()->setText(number); });
        menu.addAction(tr("Copy SID"), this, [sid]() { QApplication::clipboard()->setText(sid); });
        menu.addSeparator();
        menu.addAction(tr("Who holds this number?"), this, &NumbersPane::showHolders);
        menu.addAction(tr("Reserve / release"), this, &NumbersPane::toggleReserved);
        menu.addAction(tr("Capabilities…"), this, &NumbersPane::editCapabilities);
        menu.addAction(tr("Remove…"), this, &NumbersPane::removeSelected);
    }
    menu.addAction(tr("Import list / CSV…"), this, &NumbersPane::showImportDialog);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

// ---------------------------------------------------------------------------------------------------------------

ImportNumbersDialog::ImportNumbersDialog(const QString &region, QWidget *parent)
    : QDialog(parent)
    , m_region(region)
{
    setWindowTitle(tr("Import numbers"));
    auto *layout = new QVBoxLayout(this);
    auto *help = new QLabel(tr("Paste numbers (one per line, or separated by commas), or open a CSV file whose first "
                               "column — or a column named phone_number — holds them; a friendly_name column names "
                               "them. Numbers without a +country code are read as %1 numbers.")
                                .arg(region),
                            this);
    help->setWordWrap(true);
    layout->addWidget(help);
    m_text = new QPlainTextEdit(this);
    m_text->setPlaceholderText(u"+14155550100\n+14155550101\n…"_s);
    layout->addWidget(m_text);
    m_reserved = new QCheckBox(tr("Add them as reserved"), this);
    layout->addWidget(m_reserved);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *open = buttons->addButton(tr("Open CSV…"), QDialogButtonBox::ActionRole);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(open, &QPushButton::clicked, this, &ImportNumbersDialog::openFile);
    resize(480, 360);
}

QStringList ImportNumbersDialog::numbers() const
{
    return NumbersPane::parseNumberList(m_text->toPlainText());
}

NumbersPane::ImportPlan ImportNumbersDialog::plan() const
{
    return NumbersPane::parseImport(m_text->toPlainText(), m_region);
}

bool ImportNumbersDialog::reserved() const
{
    return m_reserved->isChecked();
}

void ImportNumbersDialog::openFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open CSV"), {}, tr("CSV files (*.csv *.txt)"));
    if (path.isEmpty()) {
        return;
    }
    QFile file(path);
    if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        m_text->setPlainText(QString::fromUtf8(file.readAll()));
    }
}

// ---------------------------------------------------------------------------------------------------------------

CapabilitiesDialog::CapabilitiesDialog(const QString &number, const Capabilities &current, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Capabilities of %1").arg(number));
    auto *layout = new QVBoxLayout(this);
    auto *help = new QLabel(tr("Number selection gives message-only sessions SMS numbers, voice-only sessions voice "
                               "numbers, and voice-and-message sessions numbers with both. Sessions already on "
                               "this number keep it."),
                            this);
    help->setWordWrap(true);
    layout->addWidget(help);
    const QList<std::pair<QString, bool>> flags{
        {tr("&Voice"), current.voice}, {tr("&SMS"), current.sms}, {tr("&MMS"), current.mms}, {tr("&Fax"), current.fax}};
    for (const auto &[label, on] : flags) {
        auto *box = new QCheckBox(label, this);
        box->setChecked(on);
        layout->addWidget(box);
        m_boxes.append(box);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // A number needs at least one capability (the engine refuses none, as the REST API does).
    const auto update = [this]() {
        m_ok->setEnabled(std::any_of(m_boxes.cbegin(), m_boxes.cend(), [](QCheckBox *b) { return b->isChecked(); }));
    };
    for (QCheckBox *box : std::as_const(m_boxes)) {
        connect(box, &QCheckBox::toggled, this, update);
    }
    update();
}

Capabilities CapabilitiesDialog::capabilities() const
{
    return Capabilities{m_boxes.at(0)->isChecked(), m_boxes.at(1)->isChecked(), m_boxes.at(2)->isChecked(),
                        m_boxes.at(3)->isChecked()};
}

} // namespace Maskline
