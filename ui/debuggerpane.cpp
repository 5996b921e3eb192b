#include "debuggerpane.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTimeEdit>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include "debuggerdetails.h"
#include "debuggerlogmodel.h"
#include "formatting.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

DebuggerLogView::DebuggerLogView(QWidget *parent)
    : QTableView(parent)
{
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &DebuggerLogView::handleScrolled);
}

void DebuggerLogView::setModel(QAbstractItemModel *model)
{
    QTableView::setModel(model);
    if (!model) {
        return;
    }
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, &DebuggerLogView::handleAboutToInsert);
    connect(model, &QAbstractItemModel::rowsInserted, this, &DebuggerLogView::handleInserted);
    connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &DebuggerLogView::handleAboutToRemove);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &DebuggerLogView::handleRemoved);
    // Each scroll to the tail is decided when it runs: the reader may have scrolled away since it was queued.
    const auto followLater = [this]() {
        if (m_following) {
            QTimer::singleShot(0, this, [this]() {
                if (m_following) {
                    scrollToBottom();
                }
            });
        }
    };
    connect(model, &QAbstractItemModel::modelReset, this, followLater);
    connect(model, &QAbstractItemModel::layoutChanged, this, followLater);
}

void DebuggerLogView::handleScrolled(int value)
{
    const bool following = value >= verticalScrollBar()->maximum();
    if (!following) {
        // The reader left the bottom: a scroll to the tail still queued from rows that arrived just before must not
        // pull them back down.
        m_wasAtBottom = false;
    }
    if (following != m_following) {
        m_following = following;
        Q_EMIT followingChanged(following);
    }
}

void DebuggerLogView::handleAboutToInsert()
{
    m_wasAtBottom = m_following;
}

void DebuggerLogView::handleInserted()
{
    if (m_wasAtBottom) {
        // After the view has laid out the new rows.
        QTimer::singleShot(0, this, [this]() {
            if (m_wasAtBottom) {
                scrollToBottom();
                m_following = true;
            }
        });
    }
}

void DebuggerLogView::handleAboutToRemove(const QModelIndex &parent, int first, int last)
{
    Q_UNUSED(parent)
    m_valueBeforeRemoval = verticalScrollBar()->value();
    // Evicted rows above what the reader looks at would pull the text up under their eyes: remember how many.
    m_removedAbove = first < m_valueBeforeRemoval ? std::min(last, m_valueBeforeRemoval - 1) - first + 1 : 0;
}

void DebuggerLogView::handleRemoved()
{
    if (!m_following && m_removedAbove > 0 && m_valueBeforeRemoval >= 0) {
        const int target = std::max(0, m_valueBeforeRemoval - m_removedAbove);
        QTimer::singleShot(0, this, [this, target]() { verticalScrollBar()->setValue(target); });
    }
    m_removedAbove = 0;
    m_valueBeforeRemoval = -1;
}

// ---------------------------------------------------------------------------------------------------------------

DebuggerPane::DebuggerPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
    , m_log(new DebuggerLogModel(context.reader, DebuggerLogModel::DEFAULT_CAPACITY, this))
    , m_filter(new DebuggerLogFilterModel(m_log, this))
{
    auto *layout = new QVBoxLayout(this);
    auto *filters = new QHBoxLayout;
    m_errors = new QCheckBox(tr("Errors"), this);
    m_warnings = new QCheckBox(tr("Warnings"), this);
    m_other = new QCheckBox(tr("Other"), this);
    for (QCheckBox *b : {m_errors, m_warnings, m_other}) {
        b->setChecked(true);
        filters->addWidget(b);
    }
    m_code = new QSpinBox(this);
    m_code->setRange(0, 99999);
    m_code->setSpecialValueText(tr("any code"));
    m_code->setPrefix(tr("code "));
    m_sid = new QLineEdit(this);
    m_sid->setPlaceholderText(tr("SID (service, session, participant, …)"));
    m_sid->setClearButtonEnabled(true);
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Text in the message"));
    m_text->setClearButtonEnabled(true);
    m_timed = new QCheckBox(tr("Between"), this);
    m_from = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(-3600), this);
    m_to = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3600), this);
    for (QDateTimeEdit *e : {m_from, m_to}) {
        e->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        e->setCalendarPopup(true);
        e->setEnabled(false);
    }
    filters->addWidget(m_code);
    filters->addWidget(m_sid, 2);
    filters->addWidget(m_text, 2);
    filters->addWidget(m_timed);
    filters->addWidget(m_from);
    filters->addWidget(m_to);
    layout->addLayout(filters);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_view = new DebuggerLogView(m_splitter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setTabKeyNavigation(false);
    m_view->setAccessibleName(tr("Debugger events"));
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->setModel(m_filter);
    enableSorting(m_view);
    m_view->setColumnWidth(DebuggerLogModel::TimeColumn, 140);
    m_view->setColumnWidth(DebuggerLogModel::LevelColumn, 90);
    m_view->setColumnWidth(DebuggerLogModel::CodeColumn, 60);
    m_view->setColumnWidth(DebuggerLogModel::MessageColumn, 480);
    m_view->setColumnWidth(DebuggerLogModel::SidColumn, 270);
    m_splitter->addWidget(m_view);
    m_details = new QTextBrowser(m_splitter);
    m_details->setOpenLinks(false);
    m_details->setAccessibleName(tr("Event details"));
    m_details->setPlaceholderText(tr("Select an event to see its SIDs, request and response."));
    connect(m_details, &QTextBrowser::anchorClicked, this, &DebuggerPane::handleLink);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    // The details hold links, the decoded request and the response: room for them without scrolling at first.
    m_splitter->setSizes({360, 300});
    layout->addWidget(m_splitter, 1);

    auto *bottom = new QHBoxLayout;
    m_summary = new QLabel(this);
    auto *copy = new QPushButton(tr("&Copy"), this);
    auto *exportButton = new QPushButton(tr("&Export CSV…"), this);
    auto *tail = new QPushButton(tr("Follow &tail"), this);
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(tail);
    bottom->addWidget(copy);
    bottom->addWidget(exportButton);
    layout->addLayout(bottom);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &DebuggerPane::applyFilters);
    for (QCheckBox *b : {m_errors, m_warnings, m_other}) {
        connect(b, &QCheckBox::toggled, this, &DebuggerPane::applyFilters);
    }
    connect(m_code, &QSpinBox::valueChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_sid, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_text, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_timed, &QCheckBox::toggled, this, [this](bool on) {
        m_from->setEnabled(on);
        m_to->setEnabled(on);
        applyFilters();
    });
    connect(m_from, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_to, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(copy, &QPushButton::clicked, this, &DebuggerPane::copySelection);
    connect(exportButton, &QPushButton::clicked, this, &DebuggerPane::exportCsvInteractively);
    connect(tail, &QPushButton::clicked, m_view, &QTableView::scrollToBottom);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DebuggerPane::handleCurrentChanged);
    connect(m_view, &QTableView::doubleClicked, this, &DebuggerPane::handleDoubleClicked);
    connect(m_view, &QWidget::customContextMenuRequested, this, &DebuggerPane::showContextMenu);
    connect(m_view, &DebuggerLogView::followingChanged, this, &DebuggerPane::updateSummary);
    for (QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(m_filter)}) {
        connect(m, &QAbstractItemModel::rowsInserted, this, &DebuggerPane::updateSummary);
        connect(m, &QAbstractItemModel::rowsRemoved, this, &DebuggerPane::updateSummary);
        connect(m, &QAbstractItemModel::modelReset, this, &DebuggerPane::updateSummary);
        connect(m, &QAbstractItemModel::layoutChanged, this, &DebuggerPane::updateSummary);
    }
    auto *copyShortcut = new QShortcut(QKeySequence::Copy, m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(copyShortcut, &QShortcut::activated, this, &DebuggerPane::copySelection);
    // Left to right along the filter row, then the list, its details and the buttons under them.
    QWidget *order[] = {m_errors, m_warnings, m_other, m_code,    m_sid, m_text, m_timed,
                        m_from,   m_to,       m_view,  m_details, tail,  copy,   exportButton};
    for (size_t i = 1; i < std::size(order); ++i) {
        setTabOrder(order[i - 1], order[i]);
    }
    updateSummary();
}

void DebuggerPane::applyFilters()
{
    m_debounce.stop();
    DebuggerLogFilter f;
    f.levels = {};
    if (m_errors->isChecked()) {
        f.levels |= DebuggerLogFilter::Error;
    }
    if (m_warnings->isChecked()) {
        f.levels |= DebuggerLogFilter::Warning;
    }
    if (m_other->isChecked()) {
        f.levels |= DebuggerLogFilter::Other;
    }
    f.code = m_code->value();
    f.sid = m_sid->text().trimmed();
    f.text = m_text->text().trimmed();
    if (m_timed->isChecked()) {
        f.from = m_from->dateTime().toUTC();
        f.to = m_to->dateTime().toUTC();
    }
    m_filter->setFilter(f);
    updateSummary();
}

void DebuggerPane::focusFilter()
{
    m_text->setFocus();
    m_text->selectAll();
}

void DebuggerPane::updateSummary()
{
    const int shown = m_filter->rowCount();
    QString text =
        m_filter->filter().isEmpty() ? tr("%n event(s)", "", shown) : tr("%n event(s) match the filters", "", shown);
    text +=
        m_view->isFollowing() ? tr(" · following new events") : tr(" · paused while you read (scroll down to follow)");
    m_summary->setText(text);
}

void DebuggerPane::handleCurrentChanged()
{
    const QModelIndex i = m_view->currentIndex();
    const DebuggerEvent *e = i.isValid() ? m_log->eventAt(m_filter->mapToSource(i).row()) : nullptr;
    if (m_namesTicket) {
        m_namesTicket->cancelled = true;
        m_namesTicket.reset();
    }
    if (!e) {
        m_details->clear();
        return;
    }
    // SIDs first, names when the reader has looked them up (the GUI thread never waits on SQL).
    m_details->setHtml(DebuggerDetails::html(*e, {}));
    if (!m_ctx.reader) {
        return;
    }
    const DebuggerEvent event = *e;
    m_namesTicket = m_ctx.reader->read(
        this,
        [sids = DebuggerDetails::sidsIn(event), numbers = DebuggerDetails::numbersIn(event)](const QSqlDatabase &db) {
            return DebuggerDetails::lookUp(db, sids, numbers);
        },
        [this, event](Result<DebuggerDetails::Names> names) {
            m_namesTicket.reset();
            if (names) {
                const int scroll = m_details->verticalScrollBar()->value();
                m_details->setHtml(DebuggerDetails::html(event, *names));
                m_details->verticalScrollBar()->setValue(scroll);
            }
        });
}

void DebuggerPane::handleLink(const QUrl &url)
{
    if (url.scheme() != DebuggerDetails::SCHEME) {
        return;
    }
    const QStringList parts = url.path(QUrl::FullyEncoded).split(u'/');
    const QString kind = parts.value(0);
    auto part = [&parts](int i) {
        return QUrl::fromPercentEncoding(parts.value(i).toUtf8());
    };
    if (kind == u"service"_s) {
        Q_EMIT serviceRequested(part(1));
    } else if (kind == u"session"_s) {
        Q_EMIT sessionRequested(part(1));
    } else if (kind == u"participant"_s) {
        Q_EMIT participantRequested(part(1), part(2));
    } else if (kind == u"holders"_s) {
        Q_EMIT holdersRequested(part(1), part(2), part(3));
    } else if (kind == u"identifier"_s) {
        Q_EMIT identifierRequested(part(1));
    }
}

void DebuggerPane::handleDoubleClicked(const QModelIndex &index)
{
    const DebuggerEvent *e = m_log->eventAt(m_filter->mapToSource(index).row());
    if (!e) {
        return;
    }
    QString session = e->sessionSid;
    if (index.column() == DebuggerLogModel::SidColumn && e->resourceSid.startsWith(u"KC"_s)) {
        session = e->resourceSid;
    }
    if (!session.isEmpty()) {
        Q_EMIT sessionRequested(session);
    }
}

QString DebuggerPane::selectedText() const
{
    QStringList lines;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    for (const QModelIndex &i : std::as_const(rows)) {
        const DebuggerEvent *e = m_log->eventAt(m_filter->mapToSource(i).row());
        if (e) {
            lines.append(u"%1\t%2\t%3\t%4\t%5"_s.arg(Time::toIso(e->dateCreated), e->logLevel)
                             .arg(e->code)
                             .arg(e->message, e->resourceSid));
        }
    }
    return lines.join(u'\n');
}

void DebuggerPane::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty()) {
        QApplication::clipboard()->setText(text);
    }
}

bool DebuggerPane::exportCsv(const QString &path, QString *error) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) {
            *error = file.errorString();
        }
        return false;
    }
    file.write(DebuggerLogModel::toCsv(m_filter->visibleEvents()).toUtf8());
    return true;
}

void DebuggerPane::exportCsvInteractively()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export debugger events"), u"maskline-debugger.csv"_s,
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (!exportCsv(path, &error)) {
        QMessageBox::warning(this, tr("Export failed"), tr("Cannot write %1: %2").arg(path, error));
    }
}

void DebuggerPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const DebuggerEvent *e = m_log->eventAt(m_filter->mapToSource(i).row());
        if (e) {
            const QString sid = e->resourceSid;
            const QString session = e->sessionSid;
            menu.addAction(tr("Copy"), this, &DebuggerPane::copySelection);
            if (!sid.isEmpty()) {
                menu.addAction(tr("Copy SID %1").arg(sid), this, [sid]() { QApplication::clipboard()->setText(sid); });
                menu.addAction(tr("Only events about %1").arg(sid), this, [this, sid]() { m_sid->setText(sid); });
            }
            if (!session.isEmpty()) {
                menu.addAction(tr("Open session %1").arg(session), this,
                               [this, session]() { Q_EMIT sessionRequested(session); });
            }
            menu.addSeparator();
        }
    }
    menu.addAction(tr("Export CSV…"), this, &DebuggerPane::exportCsvInteractively);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void DebuggerPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"debugger"_s, m_view);
    saveSplitterState(settings, u"debugger"_s, m_splitter);
}

void DebuggerPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"debugger"_s, m_view);
    restoreSplitterState(settings, u"debugger"_s, m_splitter);
}

} // namespace Maskline
